using System.Text.Json.Nodes;
using Build.Infrastructure;
using Build.Tools;

namespace Build.Kubernetes;

/// <summary>
/// Follows the logs of the pods that run a service's new image (<c>kubectl logs -f</c>, one per pod), each line
/// prefixed <c>[service] </c> (coloured per service in a terminal). Only pods whose container runs the image just
/// built and that are not being deleted are followed, so lines of pods being replaced never show as new. When a
/// container's run ends and it restarts, a marker line is printed and its next run is followed. Following a service
/// again (after its next rollout) stops its earlier followers. Nothing here blocks the caller.
/// </summary>
public sealed class PodLogFollowers(BuildContext context, bool colour) : IDisposable
{
    private static readonly int[] Colours = [36, 33, 35, 32, 34, 31];
    private static readonly TimeSpan StatusPoll = TimeSpan.FromSeconds(1);

    /// <summary>A follower's deadline: the session stops it long before; past it, the same run is followed on from its end.</summary>
    private static readonly TimeSpan FollowDeadline = TimeSpan.FromHours(1);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, CancellationTokenSource> _byService = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly List<Task> _tasks = [];
    private bool _disposed;

    /// <summary>Starts following <paramref name="service"/>'s pods that run <paramref name="image"/>, in place of earlier followers of it.</summary>
    /// <param name="wholeLog">The pods are new: their whole log so far; else only its last lines (pods that were already running).</param>
    public void Follow(string service, string selector, string container, string image, bool wholeLog)
    {
        CancellationTokenSource stop;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            if (_byService.Remove(service, out var earlier))
            {
                earlier.Cancel();
            }

            if (!_order.Contains(service))
            {
                _order.Add(service);
            }

            stop = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation.Token);
            _byService[service] = stop;
            _tasks.Add(Task.Run(() => FollowService(service, Prefix(service), selector, container, image, wholeLog, stop.Token)));
        }
    }

    /// <summary>The prefix of a service's lines: <c>[bot]</c>, coloured in a terminal.</summary>
    private string Prefix(string service)
    {
        var text = $"[{service}]";
        return colour ? $"\u001b[{Colours[_order.IndexOf(service) % Colours.Length]}m{text}\u001b[0m" : text;
    }

    private void FollowService(string service, string prefix, string selector, string container, string image, bool wholeLog, CancellationToken stop)
    {
        try
        {
            var pods = NewPods(selector, container, image);
            var followers = pods.Select(pod => Task.Run(() => FollowPod(prefix, pod, container, wholeLog, stop))).ToArray();
            Task.WaitAll(followers);
        }
        catch (Exception exception) when (exception is ToolFailedException or ToolTimeoutException or ToolNotFoundException or OperationCanceledException or BuildCancelledException)
        {
            if (!stop.IsCancellationRequested)
            {
                context.LogText($"{prefix} logs not followed: {exception.Message.Split('\n')[0]}", Cake.Core.Diagnostics.LogLevel.Warning);
            }
        }
    }

    /// <summary>The pods of the deployment that run the image just built and are not being deleted.</summary>
    private IReadOnlyList<string> NewPods(string selector, string container, string image)
    {
        var list = context.KubectlGetJson(context.Kubectl(Deadlines.Quick), "pods", selector: selector);
        return RunningImage(list, container, image);
    }

    /// <summary>Pure: the names of the pods in <paramref name="podList"/> whose <paramref name="container"/> runs <paramref name="image"/>, not being deleted.</summary>
    public static IReadOnlyList<string> RunningImage(JsonNode? podList, string container, string image) =>
        (podList?["items"]?.AsArray() ?? [])
            .OfType<JsonNode>()
            .Where(pod => pod["metadata"]?["deletionTimestamp"] is null)
            .Where(pod => pod["spec"]?["containers"]?.AsArray().Any(c => (string?)c?["name"] == container && (string?)c?["image"] == image) == true)
            .Select(pod => (string?)pod["metadata"]?["name"] ?? "")
            .Where(name => name.Length > 0)
            .ToList();

    /// <summary>Follows one pod's container, run after run, until the pod goes or the follower is stopped.</summary>
    private void FollowPod(string prefix, string pod, string container, bool wholeLog, CancellationToken stop)
    {
        try
        {
            FollowRuns(prefix, pod, container, wholeLog, stop);
        }
        catch (Exception exception) when (exception is ToolFailedException or ToolTimeoutException or ToolNotFoundException or BuildCancelledException)
        {
            if (!stop.IsCancellationRequested)
            {
                context.LogText($"{prefix} stopped following {pod}: {exception.Message.Split('\n')[0]}", Cake.Core.Diagnostics.LogLevel.Warning);
            }
        }
    }

    private void FollowRuns(string prefix, string pod, string container, bool wholeLog, CancellationToken stop)
    {
        var restarts = Restarts(pod, container);
        var tail = wholeLog ? -1 : 10;
        while (!stop.IsCancellationRequested && restarts is not null)
        {
            List<string> arguments = ["logs", pod, $"--container={container}", "--follow", $"--tail={tail}"];
            var settings = context.Kubectl(FollowDeadline, TimeSpan.Zero);
            using (var running = new KubectlRunner(context).Start(settings, arguments, new ToolRun { AllowFailure = true, OnOutputLine = line => context.LogText($"{prefix} {line}") }))
            using (stop.Register(running.Kill))
            {
                try
                {
                    running.Wait();
                }
                catch (ToolTimeoutException)
                {
                    tail = 0; // the same run, followed on from where it is now
                    continue;
                }
            }

            // The run ended: the container exited (it may be restarted) or the pod went.
            while (!stop.IsCancellationRequested)
            {
                var now = Restarts(pod, container);
                if (now is null)
                {
                    return; // deleted or being deleted: replaced by a newer rollout, or scaled down
                }

                if (now > restarts)
                {
                    if (restarts >= 0)
                    {
                        context.LogText($"{prefix} --- {pod}: container {container} restarted (restart {now}); following its new run ---");
                    }

                    restarts = now;
                    tail = -1;
                    break;
                }

                stop.WaitHandle.WaitOne(StatusPoll);
            }
        }
    }

    /// <summary>The container's restart count while it runs; null when the pod is gone or being deleted; -1 while it waits to run again.</summary>
    private int? Restarts(string pod, string container)
    {
        var node = context.KubectlGetJson(context.Kubectl(Deadlines.Quick), "pod", pod);
        if (node is null || node["metadata"]?["deletionTimestamp"] is not null)
        {
            return null;
        }

        var status = node["status"]?["containerStatuses"]?.AsArray().FirstOrDefault(s => (string?)s?["name"] == container);
        return status?["state"]?["running"] is null ? -1 : (int?)status["restartCount"]?.GetValue<long>() ?? 0;
    }

    /// <summary>Stops every follower and waits (briefly) for them to end.</summary>
    public void Dispose()
    {
        Task[] tasks;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var stop in _byService.Values)
            {
                stop.Cancel();
            }

            tasks = [.. _tasks];
        }

        Task.WaitAll(tasks, TimeSpan.FromSeconds(1));
    }
}
