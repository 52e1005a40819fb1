using System.Diagnostics;
using System.Text.Json.Nodes;
using Build.Delivery;
using Build.Infrastructure;
using Build.Tools;
using Cake.Core.Diagnostics;

namespace Build.Kubernetes;

/// <summary>One line of a diagnosis, with the level it is logged at.</summary>
public sealed record DiagnosisLine(LogLevel Level, string Text);

/// <summary>
/// Why the pods of failed rollouts do not run: per pod, the container's reason, the kubelet's message and a hint;
/// the last log lines of a container that exited; the latest warning events. <see cref="Describe"/> makes the text
/// from what the cluster said (pods, events, logs as kubectl prints them); <see cref="Run"/> asks the cluster, best
/// effort: all of it gets <see cref="Deadlines.Diagnosis"/>, and a failure of its own is a warning, never the run's error.
/// </summary>
public static class RolloutDiagnosis
{
    public const int LogLines = 10;
    public const int Warnings = 5;

    /// <summary>The problems of the deployments' pods, with those whose logs the diagnosis quotes.</summary>
    public static IReadOnlyList<PodProblem> Problems(JsonNode pods, DeploymentInfo deployment) =>
        PodReport.FindProblems(PodReport.Select(pods, deployment.Selector), includeStarting: true);

    /// <summary>The containers whose last log lines the diagnosis of <paramref name="failed"/> quotes.</summary>
    public static IReadOnlyList<PodProblem> LogsWanted(JsonNode pods, IEnumerable<DeploymentInfo> failed) =>
        failed.SelectMany(d => Problems(pods, d)).Where(p => p.WantsLogs && p.Container != "-").ToList();

    /// <summary>
    /// The diagnosis of <paramref name="failed"/> from what the cluster said: the pods list, the events list (null when it
    /// could not be read, with <paramref name="eventsProblem"/> saying why) and the log lines of <see cref="LogsWanted"/>.
    /// </summary>
    public static IReadOnlyList<DiagnosisLine> Describe(
        JsonNode pods,
        JsonNode? events,
        string? eventsProblem,
        IReadOnlyList<DeploymentInfo> failed,
        IReadOnlyDictionary<PodProblem, IReadOnlyList<string>> logs,
        HintContext hints)
    {
        var lines = new List<DiagnosisLine>();
        var about = new HashSet<string>(StringComparer.Ordinal);
        foreach (var deployment in failed)
        {
            var mine = PodReport.Select(pods, deployment.Selector);
            about.Add(deployment.Name);
            about.UnionWith(PodReport.PodNames(mine));
            var problems = Problems(pods, deployment);
            if (problems.Count == 0)
            {
                lines.Add(new(LogLevel.Error, $"  deployment/{deployment.Name}: " + (PodReport.CountPods(mine) == 0 ? "no pods (see the warnings below)" : "its pods run but are not all ready")));
            }

            foreach (var problem in problems)
            {
                lines.Add(new(LogLevel.Error, $"  {problem.Describe()}"));
                if (problem.Hint(hints) is { } hint)
                {
                    lines.Add(new(LogLevel.Information, $"    {hint}"));
                }

                lines.AddRange((logs.GetValueOrDefault(problem) ?? []).Select(line => new DiagnosisLine(LogLevel.Information, $"    | {line}")));
            }
        }

        if (events is null)
        {
            lines.Add(new(LogLevel.Warning, $"Rollout: the events could not be read ({eventsProblem})."));
            return lines;
        }

        var warnings = PodReport.LatestWarnings(events, about, Warnings);
        if (warnings.Count > 0)
        {
            lines.Add(new(LogLevel.Information, "  Latest warnings:"));
            lines.AddRange(warnings.Select(warning => new DiagnosisLine(LogLevel.Information, $"    {warning}")));
        }

        return lines;
    }

    /// <summary>Asks the cluster and prints the diagnosis of <paramref name="failed"/>; false when the cluster did not answer.</summary>
    public static bool Run(BuildContext context, IReadOnlyList<DeploymentInfo> failed)
    {
        var clock = Stopwatch.StartNew();
        var kubectl = context.Kubectl(Deadlines.Diagnosis, Deadlines.DiagnosisRequest);
        var podsRead = Task.Run(() => context.KubectlGetJson(kubectl, "pods"));
        var eventsRead = Task.Run(() => context.KubectlGetJson(kubectl, "events"));
        JsonNode pods;
        try
        {
            pods = podsRead.GetAwaiter().GetResult()!;
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
        {
            context.Log.Warning("Rollout: no diagnosis: the cluster did not answer ({0}).", LastLine(failure));
            return false;
        }

        var logs = LogsWanted(pods, failed)
            .Select(problem => (Problem: problem, Lines: Task.Run(() => Logs(context, problem, Remaining(clock)))))
            .ToList()
            .ToDictionary(l => l.Problem, l => l.Lines.GetAwaiter().GetResult());
        JsonNode? events = null;
        string? eventsProblem = null;
        try
        {
            events = eventsRead.GetAwaiter().GetResult();
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
        {
            eventsProblem = LastLine(failure);
        }

        foreach (var line in Describe(pods, events, eventsProblem, failed, logs, context.Hints))
        {
            context.LogText(line.Text, line.Level);
        }

        return true;
    }

    private static IReadOnlyList<string> Logs(BuildContext context, PodProblem problem, TimeSpan deadline)
    {
        var kubectl = context.Kubectl(deadline, Deadlines.DiagnosisRequest);
        try
        {
            return context.KubectlLogs(kubectl, problem.Pod, problem.Container, LogLines, previous: problem.Restarts > 0)
                ?? context.KubectlLogs(kubectl, problem.Pod, problem.Container, LogLines, previous: false)
                ?? [];
        }
        catch (Exception failure) when (failure is ToolFailedException or ToolTimeoutException)
        {
            return [$"(no log: {LastLine(failure)})"];
        }
    }

    private static string LastLine(Exception failure) => failure.Message.Split('\n').Last().Trim();

    private static TimeSpan Remaining(Stopwatch clock)
    {
        var left = Deadlines.Diagnosis - clock.Elapsed;
        return left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);
    }
}
