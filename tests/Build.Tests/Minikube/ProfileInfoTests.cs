using Build.Minikube;
using Xunit;

namespace Build.Tests.Minikube;

public sealed class ProfileInfoTests
{
    private const string ProfileList = """
        {"invalid":[],"valid":[
          {"Name":"minikube","Status":"OK","Config":{"Name":"minikube","Driver":"docker","KubernetesConfig":{"ContainerRuntime":"docker"},"Nodes":[{"Name":""}]}},
          {"Name":"ctrd","Status":"OK","Config":{"Name":"ctrd","Driver":"docker","KubernetesConfig":{"ContainerRuntime":"containerd"},"Nodes":[{"Name":""},{"Name":"m02"}]}}
        ]}
        """;

    [Fact]
    public void Reads_driver_runtime_and_nodes_of_the_named_profile()
    {
        Assert.Equal(new ProfileInfo("minikube", "docker", "docker", 1), ProfileInfo.Parse(ProfileList, "minikube"));
        Assert.Equal(new ProfileInfo("ctrd", "docker", "containerd", 2), ProfileInfo.Parse(ProfileList, "ctrd"));
        Assert.Null(ProfileInfo.Parse(ProfileList, "other"));
    }

    [Fact]
    public void Output_that_is_not_the_json_is_a_format_error()
    {
        Assert.StartsWith("minikube profile list printed something that is not its JSON", Assert.Throws<FormatException>(() => ProfileInfo.Parse("* no profiles", "minikube")).Message);
    }

    [Fact]
    public void Docker_env_reads_the_docker_variables_and_leaves_minikubes_own_out()
    {
        var variables = DockerEnv.Parse([
            "DOCKER_TLS_VERIFY=1", "DOCKER_HOST=tcp://127.0.0.1:32771", "DOCKER_CERT_PATH=/home/me/.minikube/certs",
            "MINIKUBE_EXISTING_DOCKER_HOST=unix:///var/run/docker.sock", "MINIKUBE_ACTIVE_DOCKERD=minikube", "",
        ]);

        Assert.Equal(
            new Dictionary<string, string> { ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_HOST"] = "tcp://127.0.0.1:32771", ["DOCKER_CERT_PATH"] = "/home/me/.minikube/certs" },
            variables);
        Assert.Throws<FormatException>(() => DockerEnv.Parse(["# nothing"]));
    }
}
