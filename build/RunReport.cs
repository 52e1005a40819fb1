using Build.Configuration;
using Build.Docker;
using Build.Infrastructure;

namespace Build;

/// <summary>What happened to one service in this run, for the final summary.</summary>
public sealed class ServiceReport(string service)
{
    public string Service { get; } = service;

    public BuiltImage? Image { get; set; }

    public string Build { get; set; } = "not built";

    public string Load { get; set; } = "-";

    public string Rollout { get; set; } = "-";

    /// <summary>The deployment, once Rollout changed it (set image or restart).</summary>
    public string? ChangedDeployment { get; set; }

    /// <summary>True once the change ended well (rolled out) or was undone (rolled back): nothing left to undo.</summary>
    public bool Settled { get; set; }
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
                table.Add(report.Service, report.Image?.Reference ?? "-", report.Image?.Id.Short ?? "-", report.Build, report.Load, report.Rollout);
            }
        }

        return table;
    }
}
