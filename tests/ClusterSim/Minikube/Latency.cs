using System.Diagnostics;
using System.Text.Json.Nodes;

namespace ClusterSim.Minikube;

/// <summary>What one call did that its latency depends on: the profile it was about, and the time it spent moving images.</summary>
internal sealed class CallCost
{
    public string? Profile { get; set; }

    public TimeSpan Transfer { get; set; }
}

/// <summary>
/// <see cref="MinikubeLatency.Real"/>: each call lasts, from process start to exit, what the real minikube v1.38 takes
/// for it on the docker driver, by sleeping what the simulated call did not already take. The figures and their
/// sources are in the README. The setting crosses to the wrapper process in the profile's clustersim.json.
/// </summary>
internal static class Latency
{
    public const string SettingKey = "minikubeLatency";

    public static async Task WaitAsync(MinikubeHome home, IReadOnlyList<string> args, int exitCode, CallCost cost)
    {
        if (!IsReal(home, cost.Profile ?? home.ActiveProfile()))
        {
            return;
        }

        var target = For(CommandLine.Words(args), args, exitCode, cost.Transfer);
        using var self = Process.GetCurrentProcess();
        var elapsed = DateTime.Now - self.StartTime;
        if (target > elapsed)
        {
            await Task.Delay(target - elapsed);
        }
    }

    /// <summary>The whole call's duration on a real profile (docker driver).</summary>
    public static TimeSpan For(IReadOnlyList<string> words, IReadOnlyList<string> args, int exitCode, TimeSpan transfer) => words switch
    {
        ["status", ..] => Seconds(exitCode == MinikubeCli.ExGuestNotFound ? 0.1 : (exitCode & 1) != 0 ? 0.15 : 0.3),
        ["profile", "list", ..] => Seconds(args.Any(a => a is "-l" or "--light" or "-l=true" or "--light=true") ? 0.1 : 0.5),
        ["profile", ..] => Seconds(0.1),
        ["image", "ls" or "list", ..] => Seconds(0.8),
        ["image", "rm" or "remove" or "unload", ..] => Seconds(0.8),
        ["image", "load", ..] => Seconds(1) + transfer,
        ["docker-env", ..] => Seconds(0.4),
        _ => Seconds(0.05),
    };

    /// <summary>The setting of the profile's simulation, or of the home's simulated profile when the call names one that does not exist.</summary>
    private static bool IsReal(MinikubeHome home, string profile)
    {
        foreach (var name in home.ProfileNames().Where(n => n != profile).Prepend(profile))
        {
            try
            {
                return JsonNode.Parse(File.ReadAllText(home.NodeFile(name))).Str(SettingKey) == "real";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                // No simulation serves that profile.
            }
        }

        return false;
    }

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);
}
