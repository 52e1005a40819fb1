using ClusterSim;
using Build.Tests.Infrastructure;
using TestSupport;
using Xunit;

namespace Build.Tests.Pipeline;

/// <summary>
/// The three ways images reach the cluster, end to end: docker-env against a simulated minikube whose node runs a
/// real second dockerd (TLS on TCP), load, and registry delivery to a real private registry that a simulated
/// cluster which is not a minikube profile pulls from with its pull secret.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class DeliveryTests
{
    private static void Succeeded(ProcessResult run) => Assert.True(run.ExitCode == 0, run.ToString());

    private static async Task<string?> NodeImageIdAsync(PipelineWorkspace workspace, string reference)
    {
        var result = await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{.Id}}", reference],
            workspace.Cluster.NodeDockerEnvironment.ToDictionary(e => e.Key, e => (string?)e.Value));
        return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
    }

    [SkippableFact]
    public async Task Docker_env_builds_in_the_nodes_daemon_loads_nothing_and_the_pods_run_the_built_images()
    {
        Requirements.Require(SimulatedCluster.DockerDaemonProblem is null, SimulatedCluster.DockerDaemonProblem ?? "");
        await using var workspace = await PipelineWorkspace.StartAsync(o => o with { NodeRuntime = NodeRuntime.DockerDaemon });
        workspace.WriteConfig(imageDelivery: "auto");
        await workspace.ApplyManifestsAsync();

        var first = await workspace.RunAsync("--target=Redeploy");

        Succeeded(first);
        Assert.Contains("ImageDelivery: docker-env: minikube profile minikube runs the docker runtime on one node, so images are built in its Docker daemon", first.StandardOutput);
        Assert.Contains("MinikubeImageLoad: nothing to load: the images were built in minikube's own Docker daemon (docker-env), which has them.", first.StandardOutput);
        Assert.Equal(0, workspace.ImageLoads);
        foreach (var service in PipelineWorkspace.Services)
        {
            var reference = workspace.DeploymentImage(service)!;
            var id = await NodeImageIdAsync(workspace, reference);
            Assert.NotNull(id);
            Assert.Null(await workspace.BuiltImageIdAsync(service)); // never in the local daemon
            Assert.Equal([$"docker://{id}"], workspace.PodImageIds(service));
        }

        var webRollouts = workspace.Rollouts("web");
        var botRollouts = workspace.Rollouts("bot");
        workspace.Change("bot");

        var change = await workspace.RunAsync("--target=Redeploy");

        Succeeded(change);
        Assert.Equal(botRollouts + 1, workspace.Rollouts("bot"));
        Assert.Equal(webRollouts, workspace.Rollouts("web"));
        Assert.Contains("[web] inputs unchanged since the build of", change.StandardOutput);
        Assert.Equal([$"docker://{await NodeImageIdAsync(workspace, workspace.DeploymentImage("bot")!)}"], workspace.PodImageIds("bot"));
        Assert.Equal(0, workspace.ImageLoads);
    }

    [SkippableFact]
    public async Task Auto_on_a_containerd_profile_loads_and_says_why()
    {
        await using var workspace = await PipelineWorkspace.StartAsync(o => o with { ContainerRuntime = "containerd" });
        workspace.WriteConfig(imageDelivery: "auto");
        await workspace.ApplyManifestsAsync();

        var run = await workspace.RunAsync("--target=Redeploy");

        Succeeded(run);
        Assert.Contains("ImageDelivery: load: minikube profile minikube uses the containerd runtime, not docker, so images are loaded with minikube image load.", run.StandardOutput);
        Assert.Equal(1, workspace.ImageLoads);
    }

    [SkippableFact]
    public async Task Auto_falls_back_to_load_when_minikube_docker_env_fails_and_says_why()
    {
        // A single-node docker-runtime profile, so auto means docker-env, but its node runs no dockerd: minikube
        // docker-env fails (DRV_PORT_FORWARD, exit 50) as the real one does when it cannot find the daemon's port.
        await using var workspace = await PipelineWorkspace.StartAsync();
        workspace.WriteConfig(imageDelivery: "auto");
        await workspace.ApplyManifestsAsync();

        var run = await workspace.RunAsync("--target=Redeploy");

        Succeeded(run);
        Assert.Single(workspace.Cluster.MinikubeCalls, c => c.Arguments.Contains("docker-env"));
        Assert.Matches(@"ImageDelivery: minikube docker-env failed \(.*DRV_PORT_FORWARD.*\); loading the images instead\.", run.StandardOutput);
        Assert.Contains("ImageDelivery: load: minikube docker-env failed (", run.StandardOutput);
        Assert.Equal(1, workspace.ImageLoads);
        foreach (var service in PipelineWorkspace.Services)
        {
            Assert.Equal([$"docker://{await workspace.BuiltImageIdAsync(service)}"], workspace.PodImageIds(service));
        }
    }

    [SkippableFact]
    public async Task An_image_load_the_node_silently_does_not_apply_fails_the_run_before_any_rollout()
    {
        // The trap of minikube#11276/#16032: under the tag being loaded the node already has another image that a
        // running container uses; the node's docker refuses to untag it, and minikube image load still exits 0.
        await using var workspace = await PipelineWorkspace.StartAsync();
        await workspace.ApplyManifestsAsync();
        Succeeded(await workspace.RunAsync("--target=Redeploy"));
        workspace.Change("bot");
        Succeeded(await workspace.RunAsync("--target=DockerBuild", "--services=bot"));
        var built = (await workspace.BuiltImageIdAsync("bot"))!;
        var tag = $"{workspace.Image("bot")}:id-{built[7..23]}";
        var other = await PlantInUseImageAsync(workspace, tag);
        var (botRollouts, loads) = (workspace.Rollouts("bot"), workspace.ImageLoads);

        var run = await workspace.RunAsync("--target=Redeploy", "--services=bot");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(loads + 1, workspace.ImageLoads); // it was loaded, and minikube said nothing was wrong
        Assert.Contains($"Error: The node has {other[7..19]} under {tag}, not {built[7..19]} (minikube image load exited 0 all the same). Check with: minikube -p minikube image ls.", run.Output);
        Assert.Equal(botRollouts, workspace.Rollouts("bot"));
        Assert.DoesNotContain("Rollout: waiting", run.Output);
    }

    /// <summary>
    /// Puts on the node, under <paramref name="tag"/> only, an image other than the one docker has under it, and
    /// makes web's pods run it (so the node's docker will not untag it). Returns that image's ID.
    /// </summary>
    private static async Task<string> PlantInUseImageAsync(PipelineWorkspace workspace, string tag)
    {
        var minikube = Path.Combine(workspace.Cluster.BinDirectory, "minikube");
        using var context = new TempDirectory("planted");
        context.WriteFile("planted.txt", $"planted {Guid.NewGuid()}\n"); // docker cannot save an image without a layer
        context.WriteFile("Dockerfile", "FROM scratch\nCOPY planted.txt /planted.txt\n");
        var planted = $"cpt-planted-{Guid.NewGuid():N}"[..20] + ":1";
        Assert.Equal(0, (await ProcessRunner.RunAsync("docker", ["build", "-q", "-t", planted, context.Path])).ExitCode);
        var id = (await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{.Id}}", planted])).StandardOutput.Trim();
        var ours = (await ProcessRunner.RunAsync("docker", ["image", "inspect", "--format", "{{.Id}}", tag])).StandardOutput.Trim();
        try
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("docker", ["tag", planted, tag])).ExitCode);
            var load = await ProcessRunner.RunAsync(minikube, ["-p", "minikube", "image", "load", tag], workspace.Environment);
            Assert.True(load.ExitCode == 0, load.ToString());
        }
        finally
        {
            Assert.Equal(0, (await ProcessRunner.RunAsync("docker", ["tag", ours, tag])).ExitCode);
            await ProcessRunner.RunAsync("docker", ["rmi", planted]);
        }

        Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "set", "image", "deployment/web", $"web={tag}")).ExitCode);
        Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "rollout", "status", "deployment/web", "--timeout=30s")).ExitCode);
        Assert.Equal([$"docker://{id}"], workspace.PodImageIds("web"));
        return id;
    }

    [SkippableFact]
    public async Task The_dry_run_plan_says_which_delivery_and_why()
    {
        await using var workspace = await PipelineWorkspace.StartAsync(o => o with { ContainerRuntime = "containerd" });
        workspace.WriteConfig(imageDelivery: "auto");

        var run = await workspace.RunAsync("--target=Redeploy", "--dryrun");

        Succeeded(run);
        Assert.Contains("ImageDelivery: would use load: minikube profile minikube uses the containerd runtime, not docker", run.StandardOutput);
    }

    /// <summary>A remote cluster (not a minikube profile) and a private registry it pulls from, the team's manifests applied.</summary>
    internal static async Task<(PipelineWorkspace Workspace, PrivateRegistry Registry)> RemoteAsync(bool pullSecret)
    {
        var registry = await PrivateRegistry.StartEmptyAsync();
        registry.Require();
        var workspace = await PipelineWorkspace.StartAsync(o => o with { Kind = ClusterKind.Remote, ContextName = "shared-dev" });
        workspace.WriteConfig(kubeContext: "shared-dev", imageDelivery: "auto", registry: $"{registry.Host}/team");
        await workspace.ApplyManifestsAsync();
        if (pullSecret)
        {
            Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "create", "secret", "docker-registry", "regcred",
                $"--docker-server={registry.Host}", $"--docker-username={registry.User}", $"--docker-password={registry.Password}")).ExitCode);
            Assert.Equal(0, (await workspace.KubectlAsync("-n", PipelineWorkspace.Namespace, "patch", "serviceaccount", "default",
                "-p", """{"imagePullSecrets":[{"name":"regcred"}]}""")).ExitCode);
        }

        return (workspace, registry);
    }

    internal static Dictionary<string, string?> WithLogin(PipelineWorkspace workspace, PrivateRegistry registry)
    {
        var environment = workspace.Environment;
        environment["COINPILOT_REGISTRY_USERNAME"] = registry.User;
        environment["COINPILOT_REGISTRY_PASSWORD"] = registry.Password;
        return environment;
    }

    [SkippableFact]
    public async Task Registry_delivery_pushes_rolls_out_and_the_pods_run_the_pushed_digest()
    {
        var (workspace, registry) = await RemoteAsync(pullSecret: true);
        await using var _ = workspace;
        await using var __ = registry;
        var environment = WithLogin(workspace, registry);

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy", "--allow-context=shared-dev"], environment);

        Succeeded(run);
        Assert.Contains($"ImageDelivery: registry: a registry is configured, so images are pushed to {registry.Host}/team.", run.StandardOutput);
        Assert.Contains($"MinikubeImageLoad: nothing to load: DockerBuild pushed the images to {registry.Host}/team", run.StandardOutput);
        Assert.Empty(workspace.Cluster.MinikubeCalls);
        foreach (var service in PipelineWorkspace.Services)
        {
            var reference = workspace.DeploymentImage(service)!;
            Assert.StartsWith($"{registry.Host}/team/{workspace.Image(service)}:id-", reference);
            var digest = await registry.ManifestDigestAsync($"team/{workspace.Image(service)}", reference.Split(':')[^1]);
            Assert.NotNull(digest);
            Assert.Equal([$"docker-pullable://{registry.Host}/team/{workspace.Image(service)}@{digest}"], workspace.PodImageIds(service));
        }

        var again = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy", "--allow-context=shared-dev"], environment);

        Succeeded(again);
        Assert.Contains($"already has {registry.Host}/team/{workspace.Image("bot")}:id-", again.StandardOutput);
        Assert.DoesNotContain(" digest: sha256:", again.StandardOutput); // nothing pushed
        Assert.Matches(@"bot\s+\S+:id-\w{16}\s+\w{12}\s+reused\s+in registry\s+unchanged", again.StandardOutput);
    }

    [SkippableFact]
    public async Task Without_a_pull_secret_the_diagnosis_names_the_cause_and_the_fix()
    {
        var (workspace, registry) = await RemoteAsync(pullSecret: false);
        await using var _ = workspace;
        await using var __ = registry;

        var run = await BuildProcess.RunAsync(
            [$"--config={workspace.ConfigFile}", "--target=Redeploy", "--services=bot", "--allow-context=shared-dev", "--rollout-timeout=8s"],
            WithLogin(workspace, registry));

        Assert.Equal(1, run.ExitCode);
        Assert.Matches("container bot is (ErrImagePull|ImagePullBackOff)", run.Output);
        Assert.Contains($"The cluster cannot log in to {registry.Host}: give it a pull secret. kubectl --context=shared-dev --namespace={PipelineWorkspace.Namespace} create secret docker-registry regcred --docker-server={registry.Host}", run.Output);
        Assert.Contains($"then kubectl --context=shared-dev --namespace={PipelineWorkspace.Namespace} patch serviceaccount default -p '{{\"imagePullSecrets\":[{{\"name\":\"regcred\"}}]}}'", run.Output);
    }

    [SkippableFact]
    public async Task Doctor_says_when_the_namespace_has_no_pull_secret_for_the_registry()
    {
        var (workspace, registry) = await RemoteAsync(pullSecret: false);
        await using var _ = workspace;
        await using var __ = registry;

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Doctor", "--allow-context=shared-dev"], workspace.Environment);

        Assert.Matches($@"pull secret for {System.Text.RegularExpressions.Regex.Escape(registry.Host)}\s+warning\s+none in namespace {PipelineWorkspace.Namespace}", run.StandardOutput);
        Assert.Contains($"kubectl --context=shared-dev --namespace={PipelineWorkspace.Namespace} create secret docker-registry regcred --docker-server={registry.Host} ", run.StandardOutput);
        Assert.Contains($"then kubectl --context=shared-dev --namespace={PipelineWorkspace.Namespace} patch serviceaccount default -p '{{\"imagePullSecrets\":[{{\"name\":\"regcred\"}}]}}'", run.StandardOutput);
        Assert.DoesNotContain("minikube profile", run.StandardOutput);
    }

    public enum Source
    {
        Inline,
        Environment,
        SavedLogin,
    }

    [SkippableTheory]
    [InlineData(Source.Inline)]
    [InlineData(Source.Environment)]
    [InlineData(Source.SavedLogin)]
    public async Task Under_the_fallback_each_login_source_pushes_without_the_helper_and_without_the_password_anywhere(Source source)
    {
        var (workspace, registry) = await RemoteAsync(pullSecret: true);
        await using var _ = workspace;
        await using var __ = registry;
        using var user = new TempDirectory("registry-user");
        var config = source == Source.Inline
            ? $$"""{ "credsStore": "desktop.exe", "auths": { "{{registry.Host}}": { "auth": "{{registry.InlineAuth}}" } } }"""
            : """{ "credsStore": "desktop.exe" }""";
        var configFile = user.WriteFile("home/.docker/config.json", config);
        var helperLog = user.Combine("helper.log");
        var argvLog = user.Combine("argv.log");
        user.WriteExecutable("bin/docker-credential-desktop.exe", $"#!/bin/sh\necho \"$*\" >> '{helperLog}'\nexit 1\n");
        user.WriteExecutable("bin/docker", $"#!/bin/sh\necho \"docker $*\" >> '{argvLog}'\nexec '{Requirements.FindOnPath("docker")}' \"$@\"\n");
        var environment = workspace.Environment;
        environment["HOME"] = user.Combine("home");
        environment["XDG_CONFIG_HOME"] = user.Combine("xdg");
        environment["PATH"] = user.Combine("bin") + Path.PathSeparator + environment["PATH"];
        var output = "";
        if (source == Source.Environment)
        {
            environment["COINPILOT_REGISTRY_USERNAME"] = registry.User;
            environment["COINPILOT_REGISTRY_PASSWORD"] = registry.Password;
        }
        else if (source == Source.SavedLogin)
        {
            var login = await BuildProcess.RunAsync(
                ["--target=RegistryLogin", $"--registry={registry.Host}", $"--registry-username={registry.User}"], environment, standardInput: registry.Password + "\n");
            Succeeded(login);
            output += login.Output;
            var saved = Path.Combine(user.Combine("xdg"), "coinpilot-redeploy", "registry-logins.json");
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(saved));
            }
        }

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy", "--allow-context=shared-dev"], environment);
        output += run.Output;

        Succeeded(run);
        Assert.Contains("CredsFallback: applied:", run.StandardOutput);
        Assert.Matches(@"bot\s+\S+:id-\w{16}\s+\w{12}\s+[\d.]+s\s+pushed [\d.]+s\s+rolled out", run.StandardOutput);
        Assert.False(File.Exists(helperLog), File.Exists(helperLog) ? File.ReadAllText(helperLog) : "");
        Assert.DoesNotContain(registry.Password, output);
        Assert.DoesNotContain(registry.Password, File.ReadAllText(argvLog));
        Assert.Equal(config, File.ReadAllText(configFile));
        Assert.Empty(Directory.GetDirectories(workspace.Environment["TMPDIR"]!, "coinpilot-docker-config.*"));
    }

    [SkippableFact]
    public async Task Under_the_fallback_without_a_login_the_error_names_the_registry_and_the_ways_before_anything_is_built()
    {
        var (workspace, registry) = await RemoteAsync(pullSecret: true);
        await using var _ = workspace;
        await using var __ = registry;
        using var user = new TempDirectory("registry-user");
        user.WriteFile("home/.docker/config.json", """{ "credsStore": "desktop.exe" }""");
        var environment = workspace.Environment;
        environment["HOME"] = user.Combine("home");
        environment["XDG_CONFIG_HOME"] = user.Combine("xdg");

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy", "--allow-context=shared-dev"], environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Error: Registry {registry.Host} needs a login and this run has none.", run.Output);
        Assert.Contains("COINPILOT_REGISTRY_USERNAME and COINPILOT_REGISTRY_PASSWORD", run.Output);
        Assert.Contains($"./build.sh --target=RegistryLogin --registry={registry.Host}", run.Output);
        Assert.DoesNotContain("Step 1/", run.Output);
    }

    [SkippableFact]
    public async Task Registry_delivery_without_a_registry_stops_before_anything_runs()
    {
        await using var workspace = await PipelineWorkspace.StartAsync();

        var run = await workspace.RunAsync("--target=Redeploy", "--image-delivery=registry");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Error: --image-delivery=registry needs a registry: pass --registry=HOST[:PORT][/PREFIX]", run.Output);
        Assert.DoesNotContain("Preflight:", run.Output);
        Assert.Empty(workspace.Cluster.MinikubeCalls);
    }

    [SkippableFact]
    public async Task A_wrong_password_from_the_environment_is_refused_by_name_without_showing_it()
    {
        var (workspace, registry) = await RemoteAsync(pullSecret: true);
        await using var _ = workspace;
        await using var __ = registry;
        var environment = WithLogin(workspace, registry);
        environment["COINPILOT_REGISTRY_PASSWORD"] = "wrong-" + registry.Password;

        var run = await BuildProcess.RunAsync([$"--config={workspace.ConfigFile}", "--target=Redeploy", "--allow-context=shared-dev"], environment);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Error: Registry {registry.Host} refused the login of {registry.User} (COINPILOT_REGISTRY_USERNAME/COINPILOT_REGISTRY_PASSWORD)", run.Output);
        Assert.DoesNotContain(registry.Password, run.Output);
        Assert.DoesNotContain("Step 1/", run.Output);
    }
}
