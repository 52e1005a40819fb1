using System.Diagnostics;
using System.Text.Json.Nodes;
using Build.Tools;
using Cake.Core;

namespace Build.Kubernetes;

/// <summary>How waiting for the rollouts ended.</summary>
public sealed record RolloutWaitResult(IReadOnlyDictionary<string, RolloutState> States, bool ServerAnswered, string? LastError)
{
    public IEnumerable<string> Unfinished => States.Where(s => !s.Value.IsFinal).Select(s => s.Key);
}

/// <summary>
/// Waits for several deployments' rollouts with one watch of the namespace's deployments
/// (<c>kubectl get deployments --watch</c>), judging each deployment the way <c>kubectl rollout status</c> does
/// (<see cref="RolloutState.Of"/>), instead of one <c>rollout status</c> process per deployment. The build
/// enforces the deadline itself: the watch runs without a request timeout and is stopped when every rollout is
/// final or the time is up; a watch the server ends early is started again.
/// </summary>
public static class RolloutWatch
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    /// <param name="onChange">Called with each new state of a watched deployment (also when the wait is cancelled, its last state is the one reported).</param>
    public static RolloutWaitResult Wait(
        ICakeContext context,
        KubectlSettings settings,
        IReadOnlyCollection<string> deployments,
        TimeSpan timeout,
        CancellationToken cancellation,
        Action<string, RolloutState> onChange)
    {
        var clock = Stopwatch.StartNew();
        var states = deployments.ToDictionary(d => d, _ => new RolloutState(RolloutPhase.Waiting, "no status seen yet"));
        var gate = new Lock();
        var allFinal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answered = false;
        string? lastError = null;

        void OnEvent(JsonNode watchEvent)
        {
            answered = true;
            var deployment = watchEvent["object"];
            var name = deployment?["metadata"]?["name"]?.GetValue<string>();
            if (name is null || !states.ContainsKey(name))
            {
                return;
            }

            var state = watchEvent["type"]?.GetValue<string>() == "DELETED" ? RolloutState.Gone(name) : RolloutState.Of(deployment!);
            lock (gate)
            {
                if (states[name] == state || states[name].IsFinal)
                {
                    return;
                }

                states[name] = state;
                if (states.Values.All(s => s.IsFinal))
                {
                    allFinal.TrySetResult();
                }
            }

            onChange(name, state);
        }

        while (!allFinal.Task.IsCompleted && clock.Elapsed < timeout)
        {
            var stream = new JsonStream(OnEvent);
            var watch = new KubectlRunner(context).Start(
                settings.WithDeadline(timeout - clock.Elapsed, requestTimeout: TimeSpan.Zero),
                ["get", "deployments", "--watch", "--output-watch-events", "--output=json"],
                new ToolRun { OnOutputLine = stream.Add, AllowFailure = true });
            using (watch)
            {
                var exit = Task.Run(watch.Wait, CancellationToken.None);
                Task.WaitAny([exit, allFinal.Task], CancellationToken.None);
                if (!exit.IsCompleted)
                {
                    watch.Stop(); // every rollout is final
                    break;
                }

                switch (exit.Exception?.InnerException)
                {
                    case null:
                        var result = exit.Result;
                        lastError = result.Succeeded ? lastError : string.Join(" ", result.LastLines(2));
                        break;
                    case ToolTimeoutException:
                        break; // the time is up
                    case var other:
                        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(other); // cancelled (Ctrl-C), or the tool is missing
                        break;
                }
            }

            if (!allFinal.Task.IsCompleted && clock.Elapsed + Retry < timeout)
            {
                cancellation.WaitHandle.WaitOne(Retry); // the server ended the watch, or refused it: ask again shortly
            }
        }

        lock (gate)
        {
            return new RolloutWaitResult(new Dictionary<string, RolloutState>(states), answered, lastError);
        }
    }
}
