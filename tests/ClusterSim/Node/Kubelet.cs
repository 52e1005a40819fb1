using System.Globalization;
using System.Text.Json.Nodes;
using ClusterSim.Api;
using ClusterSim.Controllers;
using ClusterSim.Store;

namespace ClusterSim.Node;

/// <summary>Who the kubelet is: its node's name and IP, the container runtime ("docker" or "containerd"), the Kubernetes minor and what the node has.</summary>
internal sealed record NodeIdentity(string Name, string Ip, string ContainerRuntime, int KubernetesMinor, NodeCapacity Capacity);

/// <summary>
/// The kubelet of the single node. Nothing really runs: each container resolves its image against
/// the node's <see cref="INodeEngine"/> and the pull policy, then "runs" (Running and ready after the start delay, or
/// the image's io.clustersim.start-delay-ms), is pulled (from a registry on this machine's loopback, with the pod's
/// image pull secrets, when the cluster has a <see cref="RegistryPuller"/>; else the pull fails as on a node that
/// reaches no registry: ErrImagePull / ImagePullBackOff), is refused (ErrImageNeverPull, InvalidImageName, or
/// CreateContainerConfigError while a Secret or ConfigMap it needs is missing), stays in ContainerCreating (label
/// io.clustersim.start=never), or crashes when its image says so (label io.clustersim.exit-code, for the first
/// io.clustersim.fail-starts starts only when given), restarting with the kubelet's back-off (backOffPeriod doubling
/// to 30 times it) in CrashLoopBackOff. Its log is the image's io.clustersim.log label.
/// </summary>
internal sealed class Kubelet : IKubeletApi
{
    public const string ExitCodeLabel = "io.clustersim.exit-code";
    public const string FailStartsLabel = "io.clustersim.fail-starts";
    public const string StartDelayLabel = "io.clustersim.start-delay-ms";
    public const string LogLabel = "io.clustersim.log";
    public const string LogEveryLabel = "io.clustersim.log-every-ms";
    public const string StartLabel = "io.clustersim.start";
    private const string Component = "kubelet";

    /// <summary>MaxContainerBackOff and MaxImageBackOff (300 s) over backOffPeriod (10 s): the back-offs stop doubling at 30 times the base.</summary>
    private const int MaxBackOffFactor = 30;

    /// <summary>What the node's own system (OS, kubelet, runtime, logs) takes of its disk besides the images.</summary>
    public const long SystemBytes = 1_500_000_000;

    private static readonly TimeSpan PullPoll = TimeSpan.FromMilliseconds(25);

    private readonly ObjectStore store;
    private readonly INodeEngine docker;
    private readonly RegistryPuller? puller;
    private readonly EventRecorder events;
    private readonly ClusterActivity activity;
    private readonly NodeIdentity node;
    private readonly string nodeName;
    private readonly TimeSpan startDelay;
    private readonly TimeSpan backOffPeriod;
    private readonly TimeSpan stopDelay;
    private readonly object gate = new();
    private readonly Dictionary<string, PodRuntime> pods = [];
    private readonly DateTimeOffset started = DateTimeOffset.UtcNow;
    private int nextIp = 3;

    public Kubelet(ObjectStore store, INodeEngine docker, RegistryPuller? puller, EventRecorder events, ClusterActivity activity, NodeIdentity node, TimeSpan startDelay, TimeSpan backOffPeriod)
    {
        this.store = store;
        this.docker = docker;
        this.puller = puller;
        this.events = events;
        this.activity = activity;
        this.node = node;
        nodeName = node.Name;
        this.startDelay = startDelay;
        this.backOffPeriod = backOffPeriod;
        stopDelay = startDelay / 2;
    }

    private enum State
    {
        Creating,
        Pulling,
        Stuck,
        Running,
        Exited,
        CrashLoopBackOff,
        ErrImagePull,
        ImagePullBackOff,
        ErrImageNeverPull,
        InvalidImageName,
        CreateContainerConfigError,
        Done,
    }

    public void Sync(DateTimeOffset now)
    {
        lock (gate)
        {
            var seen = new HashSet<string>();
            foreach (var pod in store.List(ResourceTypes.Pods))
            {
                seen.Add(Meta.Uid(pod));
                if (pod.Str("spec", "nodeName") == nodeName)
                {
                    SyncPod(pod, now);
                }
            }

            foreach (var gone in pods.Keys.Where(uid => !seen.Contains(uid)).ToList())
            {
                foreach (var container in pods[gone].Containers.Values)
                {
                    container.Current?.Log.End();
                }

                docker.RemoveContainers(gone);
                pods.Remove(gone);
            }
        }
    }

    private void SyncPod(JsonObject pod, DateTimeOffset now)
    {
        var uid = Meta.Uid(pod);
        if (!pods.TryGetValue(uid, out var runtime))
        {
            if (Meta.IsTerminating(pod))
            {
                store.Delete(ResourceTypes.Pods, Meta.Namespace(pod), Meta.Name(pod));
                return;
            }

            runtime = new PodRuntime(now, $"10.244.0.{nextIp++}");
            pods[uid] = runtime;
        }

        foreach (var spec in pod.Arr("spec", "containers").Objects())
        {
            var name = spec.Str("name") ?? "";
            if (!runtime.Containers.ContainsKey(name))
            {
                var image = spec.Str("image") ?? "";
                runtime.Containers[name] = new ContainerRuntime(name, image, spec.Str("imagePullPolicy") ?? ImageReference.DefaultPullPolicy(image))
                {
                    NextAt = now + StartDelay(image),
                };
            }
        }

        if (Meta.IsTerminating(pod))
        {
            Stop(pod, runtime, now);
        }
        else
        {
            foreach (var container in runtime.Containers.Values)
            {
                for (var step = 0; step < 10 && container.NextAt <= now; step++)
                {
                    Advance(pod, container, now);
                }

                if (container.State == State.Running)
                {
                    container.Current?.WriteDue(now);
                }
            }
        }

        if (runtime.Removed)
        {
            return;
        }

        var status = PodStatus(pod, runtime, now);
        store.Update(ResourceTypes.Pods, Meta.Namespace(pod), Meta.Name(pod), p =>
        {
            p["status"] = status;
            return p;
        });
    }

    /// <summary>How long the container takes to come up: its image's io.clustersim.start-delay-ms when the node has the image, else PodStartDelay.</summary>
    private TimeSpan StartDelay(string image) =>
        LabelNumber(docker.Inspect(image), StartDelayLabel) is { } ms and >= 0 ? TimeSpan.FromMilliseconds(ms) : startDelay;

    private static int? LabelNumber(NodeImage? image, string label) =>
        image is not null && image.Labels.TryGetValue(label, out var text) && int.TryParse(text, CultureInfo.InvariantCulture, out var number) ? number : null;

    private void Stop(JsonObject pod, PodRuntime runtime, DateTimeOffset now)
    {
        if (runtime.StoppedAt is null)
        {
            foreach (var container in runtime.Containers.Values)
            {
                if (container.State == State.Running && container.Current is { } running)
                {
                    events.Normal(pod, "Killing", $"Stopping container {container.Name}", Component, nodeName, FieldPath(container));
                    running.Finish(now, 0, "Completed");
                }

                container.State = State.Done;
                container.NextAt = DateTimeOffset.MaxValue;
            }

            runtime.StoppedAt = now;
        }

        var deadline = Json.ParseTime(pod.Str("metadata", "deletionTimestamp")) ?? now;
        if (runtime.StoppedAt + stopDelay <= now || deadline <= now)
        {
            docker.RemoveContainers(Meta.Uid(pod));
            store.Delete(ResourceTypes.Pods, Meta.Namespace(pod), Meta.Name(pod));
            pods.Remove(Meta.Uid(pod));
            runtime.Removed = true;
        }
    }

    private void Advance(JsonObject pod, ContainerRuntime container, DateTimeOffset now)
    {
        switch (container.State)
        {
            case State.ErrImagePull:
            {
                var backOff = BackOff(container.PullFailures);
                var message = $"Back-off pulling image \"{PullName(container.Image)}\"";
                container.State = State.ImagePullBackOff;
                // Since 1.32 the waiting message carries the last pull error (image_manager.go prevPullErrMsg).
                container.Waiting(node.KubernetesMinor >= 32 ? $"{message}: ErrImagePull: {container.WaitingMessage}" : message);
                events.Normal(pod, "BackOff", message, Component, nodeName, FieldPath(container));
                events.Warning(pod, "Failed", "Error: ImagePullBackOff", Component, nodeName, FieldPath(container));
                container.NextAt = now + backOff;
                break;
            }

            case State.Pulling:
                if (container.Pull is { IsCompleted: true })
                {
                    FinishPull(pod, container, now);
                }
                else
                {
                    container.NextAt = now + PullPoll;
                }

                break;
            case State.Running or State.Done or State.Stuck:
                container.NextAt = DateTimeOffset.MaxValue;
                break;
            default:
                Start(pod, container, now);
                break;
        }
    }

    /// <summary>What the kubelet does to start a container: ensure the image (pulling it if it must), create, start.</summary>
    private void Start(JsonObject pod, ContainerRuntime container, DateTimeOffset now)
    {
        var fieldPath = FieldPath(container);
        if (ImageReference.ParseError(container.Image) is { } invalid)
        {
            // EnsureImageExists: applyDefaultImageTag fails before any pull; the pod worker retries after backOffPeriod.
            var message = $"Failed to apply default image tag \"{container.Image}\": couldn't parse image name \"{container.Image}\": {invalid}";
            events.Warning(pod, "InspectFailed", message, Component, nodeName, fieldPath);
            SyncFailed(pod, container, State.InvalidImageName, message, now);
            return;
        }

        var credentials = PullCredentials(pod);
        var image = docker.Inspect(container.Image);
        var mustPull = container.Policy == "Always" || (container.Policy != "Never" && image is null);
        if (mustPull)
        {
            events.Normal(pod, "Pulling", $"Pulling image \"{PullName(container.Image)}\"", Component, nodeName, fieldPath);
            if (puller is not null && RegistryPuller.Reaches(ImageReference.Parse(container.Image)))
            {
                container.State = State.Pulling;
                container.Pull = puller.PullAsync(container.Image, credentials, CancellationToken.None);
                container.NextAt = now + PullPoll;
                return;
            }

            PullFailed(pod, container, PullError(container.Image), now);
            return;
        }

        if (image is null)
        {
            var message = $"Container image \"{container.Image}\" is not present with pull policy of Never";
            events.Warning(pod, "ErrImageNeverPull", message, Component, nodeName, fieldPath);
            SyncFailed(pod, container, State.ErrImageNeverPull, message, now);
            return;
        }

        events.Normal(pod, "Pulled", $"Container image \"{container.Image}\" already present on machine", Component, nodeName, fieldPath);
        Run(pod, container, image, now);
    }

    /// <summary>
    /// startContainer failed before the container existed: the waiting reason and message, the Failed event
    /// ("Error: REASON" unless given), and the pod worker's retry after backOffPeriod.
    /// </summary>
    private void SyncFailed(JsonObject pod, ContainerRuntime container, State reason, string message, DateTimeOffset now, string? failedEvent = null)
    {
        events.Warning(pod, "Failed", failedEvent ?? $"Error: {reason}", Component, nodeName, FieldPath(container));
        container.State = reason;
        container.Waiting(message);
        container.NextAt = now + backOffPeriod;
    }

    /// <summary>A pull finished: the image is on the node and the container starts, or ErrImagePull.</summary>
    private void FinishPull(JsonObject pod, ContainerRuntime container, DateTimeOffset now)
    {
        var outcome = container.Pull!.Result;
        container.Pull = null;
        if (outcome.Image is null)
        {
            PullFailed(pod, container, outcome.Error ?? "unknown pull error", now);
            return;
        }

        docker.AddPulled(outcome.Image, outcome.Tag);
        var took = Durations.GoMilliseconds(outcome.Took);
        events.Normal(pod, "Pulled",
            $"Successfully pulled image \"{PullName(container.Image)}\" in {took} ({took} including waiting). Image size: {outcome.Image.Size} bytes.",
            Component, nodeName, FieldPath(container));
        Run(pod, container, docker.Inspect(outcome.Image.Id) ?? outcome.Image, now);
    }

    private void PullFailed(JsonObject pod, ContainerRuntime container, string error, DateTimeOffset now)
    {
        var fieldPath = FieldPath(container);
        container.PullFailures++;
        events.Warning(pod, "Failed", $"Failed to pull image \"{PullName(container.Image)}\": {error}", Component, nodeName, fieldPath);
        events.Warning(pod, "Failed", "Error: ErrImagePull", Component, nodeName, fieldPath);
        container.State = State.ErrImagePull;
        container.Waiting(error);
        container.NextAt = now + startDelay;
    }

    /// <summary>The image the kubelet pulls: the reference with ":latest" appended when it names no tag or digest (applyDefaultImageTag).</summary>
    private static string PullName(string image)
    {
        var reference = ImageReference.Parse(image);
        return reference.Tag is null && reference.Digest is null ? image + ":latest" : image;
    }

    /// <summary>
    /// The credentials of the pod's image pull secrets (the ServiceAccount's were copied into the pod at admission).
    /// A secret that does not exist is reported with the kubelet's FailedToRetrieveImagePullSecret warning.
    /// </summary>
    private List<RegistryCredential> PullCredentials(JsonObject pod)
    {
        var credentials = new List<RegistryCredential>();
        var missing = new List<string>();
        foreach (var name in pod.Arr("spec", "imagePullSecrets").Objects().Select(r => r.Str("name") ?? "").Where(n => n.Length > 0))
        {
            if (store.Get(ResourceTypes.Secrets, Meta.Namespace(pod), name) is { } secret)
            {
                credentials.AddRange(PullSecrets.Read(secret));
            }
            else
            {
                missing.Add(name);
            }
        }

        if (missing.Count > 0)
        {
            events.Warning(pod, "FailedToRetrieveImagePullSecret",
                $"Unable to retrieve some image pull secrets ({string.Join(", ", missing)}); attempting to pull the image may not succeed.", Component, nodeName);
        }

        return credentials;
    }

    /// <summary>
    /// Creates and starts the container from an image on the node: first its configuration (a missing Secret or
    /// ConfigMap is CreateContainerConfigError, retried after backOffPeriod), then the runtime, unless the image says
    /// the container never starts.
    /// </summary>
    private void Run(JsonObject pod, ContainerRuntime container, NodeImage image, DateTimeOffset now)
    {
        var fieldPath = FieldPath(container);
        var spec = pod.Arr("spec", "containers").Objects().FirstOrDefault(c => c.Str("name") == container.Name);
        if (EnvironmentSources.Error(store, pod, spec) is { } configError)
        {
            SyncFailed(pod, container, State.CreateContainerConfigError, configError, now, failedEvent: $"Error: {configError}");
            return;
        }

        if (image.Labels.GetValueOrDefault(StartLabel) == "never")
        {
            // The runtime never finishes creating the container: it stays in ContainerCreating, without events.
            container.State = State.Stuck;
            container.NextAt = DateTimeOffset.MaxValue;
            return;
        }

        var request = new ContainerRequest(Meta.Uid(pod), Meta.Name(pod), Meta.Namespace(pod), container.Name, container.Started);
        var containerId = docker.CreateContainer(request, image);
        events.Normal(pod, "Created", $"Created container: {container.Name}", Component, nodeName, fieldPath);
        events.Normal(pod, "Started", $"Started container {container.Name}", Component, nodeName, fieldPath);
        container.Started++;
        if (container.Started > 1 && OwningDeployment(pod) is { } deployment)
        {
            activity.ContainerRestarted(Meta.Namespace(pod), deployment);
        }

        if (container.Current is { FinishedAt: not null } finished)
        {
            container.LastTerminated = finished;
        }

        container.Current = new Instance(node.ContainerRuntime + "://" + containerId, ImageRef(image), now);
        var lines = image.Labels.GetValueOrDefault(LogLabel, "").Replace("\\n", "\n").Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        foreach (var line in lines)
        {
            container.Current.Log.Append(now, line);
        }

        if (LabelNumber(image, LogEveryLabel) is { } every and > 0)
        {
            container.Current.WriteEvery(TimeSpan.FromMilliseconds(every), lines.LastOrDefault() ?? "log line", now);
        }

        container.NextAt = DateTimeOffset.MaxValue;
        var failStarts = LabelNumber(image, FailStartsLabel);
        var exitCode = LabelNumber(image, ExitCodeLabel) ?? (failStarts is null ? null : 1);
        if (exitCode is { } code && (failStarts is null || container.Started <= failStarts))
        {
            container.Current.Finish(now, code, code == 0 ? "Completed" : "Error");
            Exited(pod, container, now);
        }
        else
        {
            container.State = State.Running;
        }
    }

    /// <summary>
    /// What the runtime reports as the container's imageID. cri-dockerd (toPullableImageID): docker-pullable://REPO@DIGEST
    /// when the image has a repo digest (it was pulled or pushed), else docker://sha256:ID. containerd: the first repo
    /// digest, else the image ID.
    /// </summary>
    private string ImageRef(NodeImage image) => node.ContainerRuntime == "docker"
        ? image.Digests.Count > 0 ? "docker-pullable://" + image.Digests[0] : "docker://" + image.Id
        : image.Digests.Count > 0 ? image.Digests[0] : image.Id;

    /// <summary>restartPolicy decides; the first restart is immediate, later ones wait 10s, 20s, 40s ... 5m.</summary>
    private void Exited(JsonObject pod, ContainerRuntime container, DateTimeOffset now)
    {
        var policy = pod.Str("spec", "restartPolicy") ?? "Always";
        if (policy == "Never" || (policy == "OnFailure" && container.Current!.ExitCode == 0))
        {
            container.State = State.Done;
            return;
        }

        if (container.Started == 1)
        {
            container.State = State.Exited;
            container.NextAt = now + startDelay;
            return;
        }

        var backOff = BackOff(container.Started - 1);
        var who = $"{Meta.Name(pod)}_{Meta.Namespace(pod)}({Meta.Uid(pod)})";
        container.State = State.CrashLoopBackOff;
        container.Waiting($"back-off {Durations.GoMilliseconds(backOff)} restarting failed container={container.Name} pod={who}");
        events.Warning(pod, "BackOff", $"Back-off restarting failed container {container.Name} in pod {who}", Component, nodeName, FieldPath(container));
        container.NextAt = now + backOff;
    }

    /// <summary>flowcontrol.Backoff as the kubelet uses it: backOffPeriod after the first failure, doubling, at most 30 times that.</summary>
    private TimeSpan BackOff(int failures) =>
        backOffPeriod * Math.Min(MaxBackOffFactor, Math.Pow(2, Math.Clamp(failures - 1, 0, 10)));

    /// <summary>The daemon's answer to a pull: the node reaches no registry.</summary>
    private static string PullError(string image)
    {
        var reference = ImageReference.Parse(image);
        return reference.Domain == ImageReference.DockerHub
            ? $"Error response from daemon: pull access denied for {reference.FamiliarRepository}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
            : $"Error response from daemon: Get \"https://{reference.Domain}/v2/\": dial tcp: lookup {reference.Domain.Split(':')[0]} on 192.168.49.1:53: no such host";
    }

    private string? OwningDeployment(JsonObject pod)
    {
        var owner = pod.Arr("metadata", "ownerReferences").Objects().FirstOrDefault(r => r.Str("kind") == "ReplicaSet");
        var rs = owner is null ? null : store.Get(ResourceTypes.ReplicaSets, Meta.Namespace(pod), owner.Str("name") ?? "");
        return rs?.Arr("metadata", "ownerReferences").Objects().FirstOrDefault(r => r.Str("kind") == "Deployment")?.Str("name");
    }

    private static string FieldPath(ContainerRuntime container) => $"spec.containers{{{container.Name}}}";

    private JsonObject PodStatus(JsonObject pod, PodRuntime runtime, DateTimeOffset now)
    {
        var containers = pod.Arr("spec", "containers").Objects().Select(c => runtime.Containers[c.Str("name") ?? ""]).ToList();
        var ready = containers.Count > 0 && containers.All(c => c.State == State.Running);
        var phase = containers.All(c => c.State == State.Done && c.Current is not null)
            ? (containers.All(c => c.Current!.ExitCode == 0) ? "Succeeded" : "Failed")
            : containers.Any(c => c.Started > 0) ? "Running" : "Pending";
        var accepted = Json.Time(runtime.Accepted);
        var notReady = containers.Where(c => c.State != State.Running).Select(c => c.Name).ToList();
        var conditions = new JsonArray(
            Condition("PodReadyToStartContainers", "True", accepted),
            Condition("Initialized", "True", accepted),
            runtime.Track("Ready", ready, now, notReady),
            runtime.Track("ContainersReady", ready, now, notReady));
        var scheduled = pod.Arr("status", "conditions").Objects().FirstOrDefault(c => c.Str("type") == "PodScheduled");
        conditions.Add(scheduled?.Clone() ?? Condition("PodScheduled", "True", accepted));

        return new JsonObject
        {
            ["phase"] = phase,
            ["conditions"] = conditions,
            ["hostIP"] = node.Ip,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = node.Ip }),
            ["podIP"] = runtime.Ip,
            ["podIPs"] = new JsonArray(new JsonObject { ["ip"] = runtime.Ip }),
            ["startTime"] = accepted,
            ["containerStatuses"] = containers.Select(c => (JsonNode?)ContainerStatus(c)).ToJsonArray(),
            ["qosClass"] = Quantities.QosClass(pod),
        };
    }

    private JsonObject ContainerStatus(ContainerRuntime c)
    {
        var status = new JsonObject { ["name"] = c.Name };
        var waiting = c.State is not (State.Running or State.Exited or State.Done) || c.Current is null;
        if (waiting)
        {
            var creating = c.State is State.Creating or State.Pulling or State.Stuck or State.Done;
            var w = new JsonObject { ["reason"] = creating ? "ContainerCreating" : c.State.ToString() };
            if (!creating)
            {
                w["message"] = c.WaitingMessage;
            }

            status["state"] = new JsonObject { ["waiting"] = w };
        }
        else if (c.State == State.Running)
        {
            status["state"] = new JsonObject { ["running"] = new JsonObject { ["startedAt"] = Json.Time(c.Current!.StartedAt) } };
        }
        else
        {
            status["state"] = new JsonObject { ["terminated"] = c.Current!.Terminated() };
        }

        var last = LastState(c);
        status["lastState"] = last is null ? new JsonObject() : new JsonObject { ["terminated"] = last.Terminated() };
        status["ready"] = c.State == State.Running;
        status["restartCount"] = Math.Max(0, c.Started - 1);
        // containerd reports the image by its normalised name, cri-dockerd as the pod spec wrote it.
        status["image"] = node.ContainerRuntime == "docker" ? c.Image : ImageReference.Parse(c.Image).WithDefaultTag().ToString();
        status["imageID"] = c.Current?.ImageRef ?? "";
        if (c.Current is not null)
        {
            status["containerID"] = c.Current.ContainerId;
        }

        status["started"] = c.State == State.Running;
        return status;
    }

    private static JsonObject Condition(string type, string status, string time, string? reason = null, string? message = null)
    {
        var condition = new JsonObject { ["type"] = type, ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = time };
        if (reason is not null)
        {
            condition["reason"] = reason;
            condition["message"] = message;
        }

        return condition;
    }

    /// <summary>The run status.lastState.terminated reports: the one that just ended while the container waits to restart, else the one before the current.</summary>
    private static Instance? LastState(ContainerRuntime c) =>
        c.State is not (State.Running or State.Exited or State.Done) && c.Current is { FinishedAt: not null } ? c.Current : c.LastTerminated;

    /// <summary>GET pods/NAME/log: the log of the container's current run, or of the run lastState reports (previous).</summary>
    public ContainerLog Open(JsonObject pod, string container, bool previous)
    {
        lock (gate)
        {
            var c = pods.TryGetValue(Meta.Uid(pod), out var runtime) ? runtime.Containers.GetValueOrDefault(container) : null;
            if (previous)
            {
                return (c is null ? null : LastState(c))?.Log ?? throw ApiException.BadRequest($"previous terminated container \"{container}\" in pod \"{Meta.Name(pod)}\" not found");
            }

            if (c?.Current is { } current)
            {
                return current.Log;
            }

            // validateContainerLogStatus: the two pull reasons get words, any other waiting reason is named.
            var why = c?.State switch
            {
                State.ErrImagePull => "image can't be pulled",
                State.ImagePullBackOff => "trying and failing to pull image",
                State.ErrImageNeverPull or State.InvalidImageName or State.CreateContainerConfigError => c.State.ToString(),
                _ => "ContainerCreating",
            };
            throw ApiException.BadRequest($"container \"{container}\" in pod \"{Meta.Name(pod)}\" is waiting to start: {why}");
        }
    }

    /// <summary>
    /// The stats summary (k8s.io/kubelet/pkg/apis/stats/v1alpha1 Summary) as far as disk goes: node.fs and
    /// node.runtime.imageFs (and containerFs, the same filesystem: the image filesystem is not split) on the node's one
    /// disk. The image filesystem's usedBytes is the size of the node's images; the node filesystem also holds the
    /// system (<see cref="SystemBytes"/>). Pods are listed by reference and start time; CPU, memory and network are omitted.
    /// </summary>
    public JsonObject Summary(DateTimeOffset now)
    {
        lock (gate)
        {
            var images = docker.List();
            var imageBytes = images.Sum(i => i.Image.Size);
            var capacity = node.Capacity.DiskBytes;
            var available = Math.Max(0, capacity - SystemBytes - imageBytes);
            var inodes = capacity / 16384;
            var inodesUsed = Math.Min(inodes, 50_000 + 1_000L * images.Count);
            JsonObject Fs(long used) => new()
            {
                ["time"] = Json.Time(now),
                ["availableBytes"] = available,
                ["capacityBytes"] = capacity,
                ["usedBytes"] = used,
                ["inodesFree"] = inodes - inodesUsed,
                ["inodes"] = inodes,
                ["inodesUsed"] = inodesUsed,
            };

            var podStats = store.List(ResourceTypes.Pods).Where(p => pods.ContainsKey(Meta.Uid(p))).Select(p => (JsonNode?)new JsonObject
            {
                ["podRef"] = new JsonObject { ["name"] = Meta.Name(p), ["namespace"] = Meta.Namespace(p), ["uid"] = Meta.Uid(p) },
                ["startTime"] = Json.Time(pods[Meta.Uid(p)].Accepted),
                ["containers"] = pods[Meta.Uid(p)].Containers.Values.Where(c => c.Current is not null)
                    .Select(c => (JsonNode?)new JsonObject { ["name"] = c.Name, ["startTime"] = Json.Time(c.Current!.StartedAt) }).ToJsonArray(),
            }).ToJsonArray();
            return new JsonObject
            {
                ["node"] = new JsonObject
                {
                    ["nodeName"] = nodeName,
                    ["startTime"] = Json.Time(started),
                    ["fs"] = Fs(SystemBytes + imageBytes),
                    ["runtime"] = new JsonObject { ["imageFs"] = Fs(imageBytes), ["containerFs"] = Fs(imageBytes) },
                },
                ["pods"] = podStats,
            };
        }
    }

    private sealed class PodRuntime(DateTimeOffset accepted, string ip)
    {
        private readonly Dictionary<string, (bool Value, string Since)> conditions = [];

        public DateTimeOffset Accepted { get; } = accepted;

        public string Ip { get; } = ip;

        public Dictionary<string, ContainerRuntime> Containers { get; } = [];

        public DateTimeOffset? StoppedAt { get; set; }

        public bool Removed { get; set; }

        /// <summary>A Ready-style condition whose lastTransitionTime moves only when its value changes.</summary>
        public JsonObject Track(string type, bool value, DateTimeOffset now, IReadOnlyList<string> notReady)
        {
            if (!conditions.TryGetValue(type, out var known) || known.Value != value)
            {
                known = (value, Json.Time(now));
                conditions[type] = known;
            }

            return value
                ? Condition(type, "True", known.Since)
                : Condition(type, "False", known.Since, "ContainersNotReady", $"containers with unready status: [{string.Join(" ", notReady)}]");
        }
    }

    private sealed class ContainerRuntime(string name, string image, string policy)
    {
        public string Name { get; } = name;

        public string Image { get; } = image;

        public string Policy { get; } = policy;

        public State State { get; set; } = State.Creating;

        public DateTimeOffset NextAt { get; set; }

        public int Started { get; set; }

        public int PullFailures { get; set; }

        public Task<PullOutcome>? Pull { get; set; }

        public Instance? Current { get; set; }

        public Instance? LastTerminated { get; set; }

        public string? WaitingMessage { get; private set; }

        public void Waiting(string message) => WaitingMessage = message;
    }

    /// <summary>
    /// One run of a container: a runtime container ("docker://ID") created from one image (its imageID), and its log,
    /// which ends with the run.
    /// </summary>
    private sealed class Instance(string containerId, string imageRef, DateTimeOffset startedAt)
    {
        private TimeSpan every;
        private string line = "";
        private DateTimeOffset next;
        private int written;

        public string ContainerId { get; } = containerId;

        public string ImageRef { get; } = imageRef;

        public ContainerLog Log { get; } = new();

        public DateTimeOffset StartedAt { get; } = startedAt;

        public DateTimeOffset? FinishedAt { get; private set; }

        public int ExitCode { get; private set; }

        public string Reason { get; private set; } = "";

        public void Finish(DateTimeOffset at, int exitCode, string reason)
        {
            FinishedAt = at;
            ExitCode = exitCode;
            Reason = reason;
            Log.End();
        }

        /// <summary>While it runs, the container writes "<paramref name="text"/> 1", "... 2", ... every <paramref name="interval"/>.</summary>
        public void WriteEvery(TimeSpan interval, string text, DateTimeOffset now)
        {
            every = interval;
            line = text;
            next = now + interval;
        }

        /// <summary>Appends the lines due by <paramref name="now"/>, stamped with the time each was due (a long gap, a stopped profile, is skipped).</summary>
        public void WriteDue(DateTimeOffset now)
        {
            for (var i = 0; every > TimeSpan.Zero && next <= now && i < 100; i++)
            {
                Log.Append(next, $"{line} {++written}");
                next += every;
            }

            if (every > TimeSpan.Zero && next <= now)
            {
                next = now + every;
            }
        }

        public JsonObject Terminated() => new()
        {
            ["exitCode"] = ExitCode,
            ["reason"] = Reason,
            ["startedAt"] = Json.Time(StartedAt),
            ["finishedAt"] = FinishedAt is { } f ? Json.Time(f) : null,
            ["containerID"] = ContainerId,
        };
    }
}
