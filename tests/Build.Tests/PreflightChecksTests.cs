using Build.Configuration;
using Build.Kubernetes;
using Xunit;

namespace Build.Tests;

/// <summary>Preflight's judgements of the deployments, as pure functions of what kubectl read.</summary>
public sealed class PreflightChecksTests
{
    private static RedeployConfig Config(int services) => new(
        "/repo/redeploy.json", "coin-pilot-ns", "minikube", "minikube", [],
        [.. Enumerable.Range(1, services).Select(i => i == 1 ? "bot" : $"svc{i:000}").Select(n => new ServiceConfig(n, "img-" + n, "Dockerfile", ".", n, n))]);

    private static DeploymentInfo Deployment(string name, bool paused = false, string? container = null) =>
        new(name, new Dictionary<string, string> { ["app"] = name }, [new ContainerSpec(container ?? name, name + ":latest", "IfNotPresent")]) { Paused = paused };

    private static Dictionary<string, DeploymentInfo> All(RedeployConfig config, Func<string, DeploymentInfo> make) =>
        config.Services.ToDictionary(s => s.Deployment, s => make(s.Deployment));

    [Fact]
    public void A_paused_deployment_is_named_with_the_command_that_resumes_it()
    {
        var config = Config(2);
        var problems = PreflightChecks.DeploymentProblems(config, All(config, d => Deployment(d, paused: d == "bot")));

        Assert.Equal(["deployment/bot is paused (kubectl rollout resume deployment/bot -n coin-pilot-ns)"], problems);
    }

    [Fact]
    public void Healthy_deployments_are_no_problem()
    {
        var config = Config(3);
        Assert.Empty(PreflightChecks.DeploymentProblems(config, All(config, d => Deployment(d))));
    }

    [Fact]
    public void The_same_mistake_for_two_hundred_services_is_one_line_naming_the_first_few()
    {
        var config = Config(200);

        var missing = Assert.Single(PreflightChecks.DeploymentProblems(config, new Dictionary<string, DeploymentInfo>()));
        var paused = Assert.Single(PreflightChecks.DeploymentProblems(config, All(config, d => Deployment(d, paused: true))));
        var containers = Assert.Single(PreflightChecks.DeploymentProblems(config, All(config, d => Deployment(d, container: "app"))));

        Assert.StartsWith("Deployments bot, svc002, svc003 and 197 more do not exist in namespace coin-pilot-ns of context minikube. Create them first:", missing);
        Assert.Equal("deployment/bot, deployment/svc002, deployment/svc003 and 197 more are paused (resume each: kubectl rollout resume deployment/NAME -n coin-pilot-ns)", paused);
        Assert.StartsWith("Deployment bot has no container named bot (it has app); Deployment svc002 has no container named svc002 (it has app); Deployment svc003 ", containers);
        Assert.EndsWith("; and 197 more: set \"container\" for services bot, svc002, svc003 and 197 more in redeploy.json.", containers);
        Assert.All(new[] { missing, paused, containers }, line => Assert.True(line.Length < 400, line));
    }

    [Fact]
    public void No_permission_on_the_docker_socket_names_the_socket_and_the_docker_group()
    {
        // What the docker 28 CLI prints when the user may not open the socket (recorded as the user nobody).
        const string Denied = "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock: " +
            "Get \"http://%2Fvar%2Frun%2Fdocker.sock/v1.50/version\": dial unix /var/run/docker.sock: connect: permission denied";

        Assert.Equal("No permission to use the Docker socket unix:///var/run/docker.sock: add your user to the docker group (sudo usermod -aG docker $USER, then log in again), " +
            "or make the socket readable and writable for you.", PreflightChecks.DockerProblem(null, Denied));
        Assert.StartsWith("The Docker daemon does not answer (Cannot connect", PreflightChecks.DockerProblem(null, "Cannot connect to the Docker daemon at unix:///x.sock."));
    }

    [Fact]
    public void A_kubeconfig_that_does_not_exist_is_named_by_its_path()
    {
        Assert.StartsWith("KUBECONFIG names /a/config, /b/config, which does not exist", PreflightChecks.KubeconfigProblem("/a/config:/b/config", "/home/u", _ => false));
        Assert.Null(PreflightChecks.KubeconfigProblem("/a/config:/b/config", "/home/u", path => path == "/b/config"));
        Assert.StartsWith("kubectl has no kubeconfig: /home/u/.kube/config does not exist.", PreflightChecks.KubeconfigProblem(null, "/home/u", _ => false));
        Assert.Null(PreflightChecks.KubeconfigProblem(null, "/home/u", _ => true));
    }
}

