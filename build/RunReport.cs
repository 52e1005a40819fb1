using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;

namespace Build;

/// <summary>What DockerBuild did for a service.</summary>
public enum BuildState
{
    NotBuilt,
    Built,
    Reused,
    Failed,
}

/// <summary>How a service's image reached the cluster.</summary>
public enum DeliveryState
{
    None,
    Loaded,
    OnNode,
    BuiltOnNode,
    NotOnNode,
    Pushed,
    InRegistry,
    PushFailed,
}

/// <summary>How a service's rollout ended (or where it stood when the run stopped).</summary>
public enum RolloutResult
{
    None,
    Unchanged,
    RollingOut,
    RolledOut,
    Failed,
    TimedOut,
    Interrupted,
    RolledBack,
    WrongImage,
}

/// <summary>One step's outcome for one service: a state, what more there is to say, and how long it took.</summary>
public sealed record Outcome<TState>(TState State, string? Detail = null, TimeSpan? Took = null)
    where TState : struct, Enum;

/// <summary>What happened to one service in this run, for the final summary.</summary>
public sealed class ServiceReport(string service)
{
    public string Service { get; } = service;

    public BuiltImage? Image { get; set; }

    public Outcome<BuildState> Build { get; set; } = new(BuildState.NotBuilt);

    public Outcome<DeliveryState> Delivery { get; set; } = new(DeliveryState.None);

    public Outcome<RolloutResult> Rollout { get; set; } = new(RolloutResult.None);

    /// <summary>Set when <c>--rollback-on-failure</c> tried to undo this service's change and could not.</summary>
    public bool RollbackFailed { get; set; }

    /// <summary>The deployment, once Rollout changed it (set image or restart).</summary>
    public string? ChangedDeployment { get; set; }

    /// <summary>True once the change ended well (rolled out) or was undone (rolled back): nothing left to undo.</summary>
    public bool Settled => Rollout.State is RolloutResult.RolledOut or RolloutResult.RolledBack;
}

/// <summary>The per-service outcome of the run: printed at the end, and written to GitHub's step summary.</summary>
public sealed class RunReport
{
    private readonly Lock _lock = new();
    private readonly List<ServiceReport> _services = [];

    public bool IsEmpty
    {
        get { lock (_lock) return _services.Count == 0; }
    }

    /// <summary>Gives every service a row, in the order of the services file (so a service nothing happened to still shows).</summary>
    public void Start(IEnumerable<ServiceConfig> services)
    {
        foreach (var service in services)
        {
            For(service.Name);
        }
    }

    public ServiceReport For(string service)
    {
        lock (_lock)
        {
            var report = _services.FirstOrDefault(s => s.Service == service);
            if (report is null)
            {
                _services.Add(report = new ServiceReport(service));
            }

            return report;
        }
    }

    /// <summary>Deployments this run changed that neither rolled out nor were rolled back.</summary>
    public IReadOnlyList<ServiceReport> LeftChanged
    {
        get { lock (_lock) return _services.Where(s => s.ChangedDeployment is not null && !s.Settled).ToList(); }
    }

    public TextTable ToTable()
    {
        var table = new TextTable("Service", "Image", "Image ID", "Build", "Load", "Rollout");
        lock (_lock)
        {
            foreach (var report in _services)
            {
                table.Add(report.Service, report.Image?.Reference ?? "-", report.Image?.Id.Short ?? "-",
                    Text(report.Build), Text(report.Delivery), Text(report.Rollout) + (report.RollbackFailed ? ", rollback failed" : ""));
            }
        }

        return table;
    }

    // ---- the one place outcomes become words ----

    public static string Text(Outcome<BuildState> outcome) => outcome.State switch
    {
        BuildState.Built => Seconds(outcome.Took),
        BuildState.Reused => "reused",
        BuildState.Failed => "build failed",
        _ => "not built",
    };

    public static string Text(Outcome<DeliveryState> outcome) => outcome.State switch
    {
        DeliveryState.Loaded => $"loaded {Seconds(outcome.Took)}",
        DeliveryState.OnNode => "on node",
        DeliveryState.BuiltOnNode => "built on node",
        DeliveryState.NotOnNode => "not on node",
        DeliveryState.Pushed => $"pushed {Seconds(outcome.Took)}",
        DeliveryState.InRegistry => "in registry",
        DeliveryState.PushFailed => "push failed",
        _ => "-",
    };

    public static string Text(Outcome<RolloutResult> outcome) => WithDetail(outcome.State switch
    {
        RolloutResult.Unchanged => "unchanged",
        RolloutResult.RollingOut => "rolling out",
        RolloutResult.RolledOut => $"rolled out {Seconds(outcome.Took)}",
        RolloutResult.Failed => "failed",
        RolloutResult.TimedOut => "timed out",
        RolloutResult.Interrupted => "interrupted",
        RolloutResult.RolledBack => "rolled back",
        RolloutResult.WrongImage => "wrong image",
        _ => "-",
    }, outcome.Detail);

    private static string WithDetail(string text, string? detail) => detail is { Length: > 0 } ? $"{text}: {detail}" : text;

    private static string Seconds(TimeSpan? took) => $"{(took ?? TimeSpan.Zero).TotalSeconds:0.0}s";
}
