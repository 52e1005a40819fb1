using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;
using Build.Kubernetes;
using Build.Minikube;
using Build.Tools;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using FileEventProbe = Build.Watch.FileEventProbe;
using WatchedSources = Build.Watch.WatchedSources;

namespace Build.Tasks;

[TaskName(nameof(Doctor))]
[TaskDescription("Checks everything Redeploy needs (docker, minikube, kubectl, context, namespace, deployments, pull policies, CredsFallback) and says how to fix what is wrong. Changes nothing.")]
[TaskArguments(
    ArgumentNames.Config, ArgumentNames.Services, ArgumentNames.Namespace, ArgumentNames.KubeContext, ArgumentNames.MinikubeProfile,
    ArgumentNames.AllowContext, ArgumentNames.ImageDelivery, ArgumentNames.Registry, ArgumentNames.KeepDockerCreds, ArgumentNames.KeepImages)]
public sealed class Doctor : FrostingTask<BuildContext>
{
    private const string Ok = "ok";
    private const string Warn = "warning";
    private const string Blocks = "BLOCKS";

    public override void Run(BuildContext context)
    {
        var table = new TextTable("Check", "State", "Details");
        var blocking = new List<string>();

        void Add(string check, string state, string details)
        {
            table.Add(check, state, details);
            if (state == Blocks)
            {
                blocking.Add($"{check}: {details}");
            }
        }

        var (client, server, dockerError) = Attempt(() => context.DockerVersion(context.ToolEnvironment, Deadlines.Preflight), new DockerVersions("", null, "docker is not installed"));
        Add("docker CLI", client.Length > 0 ? Ok : Blocks, client.Length > 0 ? client : "not found on PATH: install docker");
        if (client.Length > 0)
        {
            Add("docker daemon", server is null ? Blocks : Ok, server ?? PreflightChecks.DockerProblem(null, dockerError)!);
        }

        var fallback = DockerConfigFallback.Decide(context.FallbackInputs(context.Settings.KeepDockerCreds));
        Add("CredsFallback", fallback.Warnings.Count > 0 ? Warn : Ok, $"would {(fallback.Apply ? "apply" : "skip")}: {fallback.Reason}" + string.Concat(fallback.Warnings.Select(w => " " + w)));

        RedeployConfig? config = null;
        try
        {
            config = context.Config;
            Add("services file", Ok, $"{config.FilePath}: {string.Join(", ", config.Services.Select(s => s.Name))}");
        }
        catch (BuildInputException invalid)
        {
            Add("services file", Blocks, invalid.Message);
        }

        if (config is not null)
        {
            CheckFileEvents(config, Add);
            CheckCluster(context, config, Add);
        }

        context.LogTable(table);
        if (blocking.Count > 0)
        {
            throw new PipelineException($"Doctor found {blocking.Count} problem(s) that block Redeploy:\n  " + string.Join("\n  ", blocking));
        }

        context.Log.Information("Doctor: nothing blocks ./build.sh --target=Redeploy.");
    }

    /// <summary>Watch's native file events, in each folder it watches (a probe file written and removed in each).</summary>
    private static void CheckFileEvents(RedeployConfig config, Action<string, string, string> add)
    {
        var roots = new WatchedSources(config).Roots.Select(r => r.Directory).Where(Directory.Exists).ToList();
        var problems = roots.Select(FileEventProbe.Problem).OfType<string>().ToList();
        add("file events (Watch)", problems.Count == 0 ? Ok : Warn, problems.Count == 0
            ? $"native events seen within {FileEventProbe.Within.TotalSeconds:0}s in {roots.Count} watched folder(s) (a probe file, removed)"
            : string.Join("; ", problems.Distinct()));
    }

    private static void CheckCluster(BuildContext context, RedeployConfig config, Action<string, string, string> add)
    {
        var profile = config.MinikubeProfile;
        var redeploy = RunIntent.Of(nameof(Redeploy));
        var usesMinikube = !Delivery.DeliveryRequest.For(config, redeploy).PushesToRegistry;
        var minikube = usesMinikube ? Attempt(() => context.MinikubeVersion(context.Minikube(Deadlines.Preflight)), null) : "not needed";
        if (usesMinikube)
        {
            add("minikube", minikube is null ? Blocks : Ok, minikube ?? "not found on PATH: install minikube");
        }

        var running = false;
        if (usesMinikube && minikube is not null)
        {
            var status = context.MinikubeStatus(context.Minikube(Deadlines.Preflight));
            running = status.State == ProfileState.Running;
            add($"minikube profile {profile}", running ? Ok : Blocks, PreflightChecks.ProfileProblem(profile, status) ?? status.Detail);
        }

        if (!usesMinikube || running)
        {
            // The very decision a Redeploy would make, and why.
            try
            {
                var strategy = Delivery.DeliveryStrategy.Choose(context, redeploy);
                add("image delivery", Ok, strategy.Describe());
                CheckImages(context, config, strategy, add);
            }
            catch (Exception failure) when (failure is BuildInputException or ToolFailedException or ToolTimeoutException or FormatException)
            {
                add("image delivery", Blocks, failure.Message.Split('\n')[0]);
            }
        }

        var kubectl = context.Kubectl(Deadlines.Preflight, Deadlines.PreflightRequest);
        var version = Attempt(() => context.KubectlClientVersion(kubectl), null);
        add("kubectl", version is null ? Blocks : Ok, version ?? "not found on PATH: install kubectl");
        if (version is null)
        {
            return;
        }

        var contextProblem = PreflightChecks.ContextProblem(config.KubeContext, profile, context.Settings.AllowContext);
        if (contextProblem is null && context.KubeconfigFacts() is var kubeconfig && kubeconfig.Contexts?.Contains(config.KubeContext) != true)
        {
            contextProblem = PreflightChecks.UnknownContextProblem(config, kubeconfig);
        }

        add($"kube context {config.KubeContext}", contextProblem is null ? Ok : Blocks, contextProblem ?? "in kubeconfig, minikube's");
        if (contextProblem is not null)
        {
            return;
        }

        bool namespaceExists;
        try
        {
            namespaceExists = context.KubectlGetJson(kubectl, "namespace", config.Namespace) is not null;
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
        {
            add($"namespace {config.Namespace}", Blocks, PreflightChecks.ClusterProblem(config, failure));
            return;
        }

        if (usesMinikube)
        {
            CheckNodeDisk(context, kubectl, add);
        }

        add($"namespace {config.Namespace}", namespaceExists ? Ok : Blocks,
            namespaceExists ? "exists" : "does not exist: ./build.sh --target=Deploy creates it and applies the manifests");
        if (!namespaceExists)
        {
            return;
        }

        add("redeploy lock", LockState(context, kubectl, config, out var holder), holder);
        var deployments = Attempt<IReadOnlyDictionary<string, DeploymentInfo>>(() => context.KubectlGetDeployments(kubectl), new Dictionary<string, DeploymentInfo>());
        foreach (var service in config.Services)
        {
            var deployment = deployments.GetValueOrDefault(service.Deployment);
            var container = deployment?.Container(service.Container);
            var (state, details) = (deployment, container) switch
            {
                (null, _) => (Blocks, "does not exist: ./build.sh --target=Deploy applies the manifests"),
                (_, null) => (Blocks, $"has no container {service.Container}: set \"container\" for {service.Name} in {Path.GetFileName(config.FilePath)}"),
                _ when container.EffectivePullPolicy == "Always" =>
                    (Warn, $"runs {container.Image} with imagePullPolicy Always: the node will try a registry instead of the loaded image; set IfNotPresent"),
                _ => (Ok, $"runs {container.Image} (imagePullPolicy {container.EffectivePullPolicy})"),
            };
            add($"deployment {service.Deployment}", state, details);
        }

        if (!usesMinikube && config.Registry is { } registry)
        {
            CheckPullSecret(context, kubectl, config, registry.Host, add);
        }
    }

    /// <summary>Who holds the cluster's lock: free is ok, held is a warning (a Redeploy now would be refused or wait).</summary>
    private static string LockState(BuildContext context, KubectlSettings kubectl, RedeployConfig config, out string details)
    {
        var where = $"Lease {RedeployLease.Name} in namespace {config.Namespace}";
        try
        {
            var now = DateTimeOffset.UtcNow;
            var lease = context.KubectlGetJson(kubectl, "lease", RedeployLease.Name) is { } json ? LeaseRecord.Parse(json) : null;
            if (lease is null || !lease.IsHeldAt(now))
            {
                details = $"free ({where})";
                return Ok;
            }

            var ago = lease.RenewTime is { } renewed ? Math.Max(0, (int)(now - renewed).TotalSeconds) : 0;
            details = $"held by {lease.Holder}; renewed {ago}s ago, lasts {KubectlRunner.Seconds(lease.Duration)} from each renewal ({where}): a Redeploy now is refused (or waits, --{ArgumentNames.LockTimeout})";
            return Warn;
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException or FormatException)
        {
            details = $"could not read the {where}: {PreflightChecks.ClusterProblem(config, failure)}";
            return Warn;
        }
    }

    /// <summary>Per place the delivery leaves images: how many of this build's id- images are there and their size.</summary>
    private static void CheckImages(BuildContext context, RedeployConfig config, Delivery.DeliveryStrategy strategy, Action<string, string, string> add)
    {
        var repositories = config.Services.SelectMany(s => new[] { s.Image, strategy.Choice.Registry?.Repository(s.Image) }).OfType<string>().Distinct().ToList();
        foreach (var store in strategy.ImageStores(context, registry: false))
        {
            try
            {
                var ours = store.List(repositories, new Pruning.PruneBudget(Deadlines.Preflight, context.Cancellation.Token)).Where(t => t.MadeByBuild).ToList();
                var size = ours.DistinctBy(t => t.Id).Sum(t => t.Size ?? 0);
                var perService = string.Join(", ", ours.GroupBy(t => t.Repository).Select(g => $"{g.Key} {g.Count()}"));
                add($"images in the {store.Place}", Ok, ours.Count == 0 ? "none of this build's id- images" : $"{ours.Count} of this build's id- images, {Pruning.PrunePlan.Bytes(size)} ({perService}); Redeploy keeps the newest {context.Settings.KeepImages} of each");
            }
            catch (Exception failure) when (Pruning.ImagePruner.IsExpected(failure))
            {
                add($"images in the {store.Place}", Warn, $"could not list them ({failure.Message.Split('\n')[0]})");
            }
        }
    }

    /// <summary>The node's free disk, from the kubelet's stats summary (the node filesystem, which also holds the images); null when the cluster does not serve it.</summary>
    private static void CheckNodeDisk(BuildContext context, KubectlSettings kubectl, Action<string, string, string> add)
    {
        var node = Attempt(() => context.KubectlGetJson(kubectl, "nodes")?["items"]?[0]?["metadata"]?["name"]?.GetValue<string>(), null);
        var summary = node is null ? null : Attempt(() => context.KubectlGetRaw(kubectl, $"/api/v1/nodes/{node}/proxy/stats/summary"), null);
        var fs = summary?["node"]?["fs"];
        if (fs?["availableBytes"]?.GetValue<long>() is not { } available || fs["capacityBytes"]?.GetValue<long>() is not { } capacity)
        {
            return;
        }

        var low = available < capacity / 10;
        add($"node {node} disk", low ? Warn : Ok, $"{Pruning.PrunePlan.Bytes(available)} free of {Pruning.PrunePlan.Bytes(capacity)}" +
            (low ? "; below 10% the kubelet reports DiskPressure and evicts pods: ./build.sh --target=Prune --keep-images=1" : ""));
    }

    /// <summary>A cluster pulls from a registry that wants a login only with a pull secret for it, used by the pods' service account (or their spec).</summary>
    private static void CheckPullSecret(BuildContext context, KubectlSettings kubectl, RedeployConfig config, string host, Action<string, string, string> add)
    {
        var check = $"pull secret for {host}";
        var secrets = Attempt(() => context.KubectlGetJson(kubectl, "secrets"), null);
        var account = Attempt(() => context.KubectlGetJson(kubectl, "serviceaccount", "default"), null);
        var forHost = PullSecrets.For(secrets, host);
        var used = PullSecrets.Names(account?["imagePullSecrets"]);
        // A shared cluster is where the context matters most: the commands name it, as every hint does.
        var where = new Delivery.HintContext(config.MinikubeProfile, config.KubeContext, config.Namespace, null);
        var fix = $"if {host} needs a login: {PullSecrets.CreateAndUseCommands(where.Kubectl, host)}";
        if (forHost.Count == 0)
        {
            add(check, Warn, $"none in namespace {config.Namespace}; {fix}");
        }
        else if (forHost.Intersect(used).FirstOrDefault() is { } name)
        {
            add(check, Ok, $"{name} (the default service account's image pull secret)");
        }
        else
        {
            add(check, Warn, $"{string.Join(", ", forHost)} exists, but the default service account does not use it; unless the deployments list it under imagePullSecrets: " +
                PullSecrets.UseCommand(where.Kubectl, forHost[0]));
        }
    }

    /// <summary>The value, or <paramref name="fallback"/> when the tool is missing or fails.</summary>
    private static T Attempt<T>(Func<T> read, T fallback)
    {
        try
        {
            return read();
        }
        catch (Exception failure) when (failure is ToolNotFoundException or ToolFailedException or ToolTimeoutException)
        {
            return fallback;
        }
    }
}
