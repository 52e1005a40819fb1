using System.Text.Json.Nodes;
using Xunit;

namespace ClusterSim.Tests;

/// <summary>The API server as the real kubectl sees it: discovery, CRUD, apply, namespaces, error wording.</summary>
public sealed class KubectlApiTests
{
    [SkippableFact]
    public async Task Discovery_lists_the_served_resources_and_get_returns_the_defaulted_object()
    {
        await using var cluster = await TestCluster.StartAsync();

        var resources = await cluster.KubectlOkAsync("api-resources", "--no-headers");
        Assert.Matches(@"deployments\s+deploy\s+apps/v1\s+true\s+Deployment", resources);
        Assert.Matches(@"pods\s+po\s+v1\s+true\s+Pod", resources);

        var aggregated = await cluster.KubectlOkAsync("get", "--raw", "/apis");
        Assert.Contains("\"apps\"", aggregated);

        await cluster.ApplyDeploymentAsync("web", "nginx:1.27");
        var deployment = await cluster.KubectlJsonAsync("get", "deployment", "web");
        Assert.Equal("Deployment", deployment["kind"]?.GetValue<string>());
        Assert.Equal(1, deployment["metadata"]!["generation"]!.GetValue<long>());
        Assert.False(string.IsNullOrEmpty(deployment["metadata"]!["resourceVersion"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(deployment["metadata"]!["uid"]?.GetValue<string>()));
        Assert.Equal("RollingUpdate", deployment["spec"]!["strategy"]!["type"]!.GetValue<string>());
        Assert.Equal(600, deployment["spec"]!["progressDeadlineSeconds"]!.GetValue<long>());
        Assert.Equal("IfNotPresent", deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["imagePullPolicy"]!.GetValue<string>());

        var table = await cluster.KubectlOkAsync("get", "deployment", "web");
        Assert.Matches(@"NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE", table);
    }

    [SkippableFact]
    public async Task Applying_the_same_manifest_twice_reports_unchanged_and_bumps_nothing()
    {
        await using var cluster = await TestCluster.StartAsync();
        var manifest = cluster.Manifest("api.yaml", TestCluster.Deployment("api", "registry.local:5000/api:1.0", "IfNotPresent"));

        Assert.Contains("deployment.apps/api created", await cluster.KubectlOkAsync("apply", "-f", manifest));
        var before = cluster.Sim.GetDeployment("default", "api")!;
        Assert.Contains("deployment.apps/api unchanged", await cluster.KubectlOkAsync("apply", "-f", manifest));
        Assert.Equal(1, cluster.Sim.GetDeployment("default", "api")!["metadata"]!["generation"]!.GetValue<long>());

        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("api:1.0", "api:1.1"));
        Assert.Contains("deployment.apps/api configured", await cluster.KubectlOkAsync("apply", "-f", manifest));
        var after = cluster.Sim.GetDeployment("default", "api")!;
        Assert.Equal(2, after["metadata"]!["generation"]!.GetValue<long>());
        Assert.Equal(before["metadata"]!["uid"]!.GetValue<string>(), after["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal("registry.local:5000/api:1.1", after["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task A_created_namespace_takes_deployments_and_missing_ones_are_reported_like_the_real_server()
    {
        await using var cluster = await TestCluster.StartAsync();

        Assert.Contains("namespace/coinpilot created", await cluster.KubectlOkAsync("create", "namespace", "coinpilot"));
        Assert.Matches(@"coinpilot\s+Active", await cluster.KubectlOkAsync("get", "namespaces"));
        await cluster.ApplyDeploymentAsync("bot", "bot:1", ns: "coinpilot");
        Assert.NotNull(cluster.Sim.GetDeployment("coinpilot", "bot"));

        var missingDeployment = await cluster.KubectlAsync("get", "deployment", "nope", "-n", "coinpilot");
        Assert.Equal(1, missingDeployment.ExitCode);
        Assert.Contains("Error from server (NotFound): deployments.apps \"nope\" not found", missingDeployment.StandardError);

        var missingNamespace = await cluster.KubectlAsync("rollout", "restart", "deployment/bot", "-n", "elsewhere");
        Assert.Equal(1, missingNamespace.ExitCode);
        Assert.Contains("Error from server (NotFound): namespaces \"elsewhere\" not found", missingNamespace.StandardError);

        var duplicate = await cluster.KubectlAsync("create", "namespace", "coinpilot");
        Assert.Contains("Error from server (AlreadyExists): namespaces \"coinpilot\" already exists", duplicate.StandardError);

        var invalid = await cluster.KubectlAsync("apply", "-f", cluster.Manifest("bad.yaml", TestCluster.Deployment("bad", "bad:1", "Sometimes")));
        Assert.Equal(1, invalid.ExitCode);
        Assert.Contains("The Deployment \"bad\" is invalid", invalid.StandardError);
        Assert.Contains("imagePullPolicy: Unsupported value: \"Sometimes\"", invalid.StandardError);
    }

    [SkippableFact]
    public async Task An_older_server_version_selects_an_older_kubectl_that_uses_v2beta1_discovery()
    {
        await using var cluster = await TestCluster.StartAsync(minor: "29");

        var version = JsonNode.Parse(await cluster.KubectlOkAsync("version", "-o", "json"))!;
        Assert.Equal("v1.29.0", version["serverVersion"]!["gitVersion"]!.GetValue<string>());
        Assert.StartsWith("v1.29.", version["clientVersion"]!["gitVersion"]!.GetValue<string>());
        await cluster.ApplyDeploymentAsync("old", "old:1");
        Assert.Contains("deployment.apps/old image updated", await cluster.KubectlOkAsync("set", "image", "deploy/old", "old=old:2"));
        Assert.Matches(@"old\s+0/1", await cluster.KubectlOkAsync("get", "deploy"));
    }

    [SkippableFact]
    public async Task Typed_create_commands_send_protobuf_and_dry_runs_store_nothing()
    {
        await using var cluster = await TestCluster.StartAsync();

        Assert.Contains("deployment.apps/web created (server dry run)",
            await cluster.KubectlOkAsync("create", "deployment", "web", "--image=web:1", "--port=8080", "--replicas=2", "--dry-run=server"));
        Assert.Null(cluster.Sim.GetDeployment("default", "web"));

        Assert.Contains("deployment.apps/web created", await cluster.KubectlOkAsync("create", "deployment", "web", "--image=web:1", "--port=8080", "--replicas=2"));
        var created = cluster.Sim.GetDeployment("default", "web")!;
        Assert.Equal(2, created["spec"]!["replicas"]!.GetValue<long>());
        Assert.Equal("app=web", Api.LabelSelector.Format(created["spec"]!["selector"]!.AsObject()));
        var container = created["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("web", container["name"]!.GetValue<string>());
        Assert.Equal(8080, container["ports"]![0]!["containerPort"]!.GetValue<long>());
        Assert.Equal("IfNotPresent", container["imagePullPolicy"]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Scale_and_delete_go_through_the_scale_subresource_and_the_garbage_collector()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.ApplyDeploymentAsync("worker", "worker:1");

        Assert.Contains("deployment.apps/worker scaled", await cluster.KubectlOkAsync("scale", "deployment/worker", "--replicas=3"));
        await cluster.Sim.WaitUntilAsync(s => s.GetPods("default", "app=worker").Count == 3, TimeSpan.FromSeconds(10), "three pods exist");

        Assert.Contains("deployment.apps \"worker\" deleted", await cluster.KubectlOkAsync("delete", "deployment", "worker", "--timeout=20s"));
        await cluster.Sim.WaitUntilAsync(s => s.GetReplicaSets("default").Count == 0 && s.GetPods("default").Count == 0, TimeSpan.FromSeconds(10), "replica sets and pods are collected");
    }
}
