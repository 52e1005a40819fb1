using Build.Docker;
using Build.Infrastructure;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(CredsFallback))]
[TaskDescription("Decides the environment docker, minikube and kubectl run with: a temporary DOCKER_CONFIG without Docker Desktop's credential helper, when ~/.docker/config.json uses it.")]
[TaskArguments(ArgumentNames.KeepDockerCreds)]
public sealed class CredsFallback : FrostingTask<BuildContext>, IPlannedTask
{
    public override void Run(BuildContext context)
    {
        var tempRoot = Path.GetTempPath();
        foreach (var abandoned in TemporaryDockerConfig.RemoveAbandoned(tempRoot))
        {
            context.Log.Verbose("CredsFallback: removed {0}, left behind by a run that was killed.", abandoned);
        }

        var decision = DockerConfigFallback.Decide(context.FallbackInputs(context.Settings.KeepDockerCreds));
        foreach (var warning in decision.Warnings)
        {
            context.Log.Warning("CredsFallback: {0}", warning);
        }

        var session = DockerConfigSession.Start(context.Host, decision.Apply ? decision.ConfigJson : null, tempRoot, warning => context.Log.Warning("CredsFallback: {0}", warning));
        context.DockerConfig = session;
        context.ToolEnvironment = session.ToolEnvironment;
        if (session.Fallback is not { } temporary)
        {
            context.Log.Information("CredsFallback: skipped: {0}.", decision.Reason);
            return;
        }

        context.Log.Information(
            "CredsFallback: applied: {0}. docker, minikube and kubectl run with DOCKER_CONFIG={1} ({2}). Opt out with --{3}=1 or {4}=1.",
            decision.Reason,
            temporary.Path,
            DescribeKept(decision, temporary),
            ArgumentNames.KeepDockerCreds,
            EnvironmentVariableNames.KeepDockerCreds);
    }

    public IEnumerable<string> DescribePlan(BuildContext context)
    {
        var decision = DockerConfigFallback.Decide(context.FallbackInputs(context.Settings.KeepDockerCreds));
        yield return $"CredsFallback: would {(decision.Apply ? "apply" : "skip")}: {decision.Reason}.";
    }

    /// <summary>What the temporary config keeps, by name only: never a credential value.</summary>
    private static string DescribeKept(FallbackDecision decision, TemporaryDockerConfig temporary)
    {
        var parts = new List<string>
        {
            decision.KeptLogins.Count == 0
                ? "no inline registry logins"
                : $"inline logins for {string.Join(", ", decision.KeptLogins)}",
        };
        if (decision.KeptSettings.Count > 0)
        {
            parts.Add($"settings {string.Join(", ", decision.KeptSettings)}");
        }

        if (temporary.Linked.Count > 0)
        {
            parts.Add($"links to {string.Join(", ", temporary.Linked)}");
        }

        return "keeps " + string.Join("; ", parts);
    }
}
