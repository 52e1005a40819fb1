using System.Collections.Concurrent;
using Build.Docker;
using Build.Infrastructure;

namespace Build;

/// <summary>What happened to one service in this run, for the final summary.</summary>
public sealed class ServiceReport(string service)
{
    public string Service { get; } = service;

    public BuiltImage? Image { get; set; }

    public string Load { get; set; } = "-";

    public string Rollout { get; set; } = "-";
}

/// <summary>The per-service outcome of the run: printed at the end, and written to GitHub's step summary.</summary>
public sealed class RunReport
{
    private readonly ConcurrentDictionary<string, ServiceReport> _services = new();
    private readonly List<string> _order = [];

    public bool IsEmpty => _services.IsEmpty;

    public ServiceReport For(string service)
    {
        lock (_order)
        {
            if (!_order.Contains(service))
            {
                _order.Add(service);
            }
        }

        return _services.GetOrAdd(service, name => new ServiceReport(name));
    }

    public TextTable ToTable()
    {
        var table = new TextTable("Service", "Image", "Image ID", "Build", "Load", "Rollout");
        lock (_order)
        {
            foreach (var report in _order.Select(name => _services[name]))
            {
                table.Add(
                    report.Service,
                    report.Image?.Reference ?? "-",
                    report.Image is null ? "-" : BuiltImage.Hex(report.Image.ImageId)[..12],
                    report.Image?.BuildTime ?? "-",
                    report.Load,
                    report.Rollout);
            }
        }

        return table;
    }
}
