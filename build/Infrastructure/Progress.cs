using System.Diagnostics;
using Spectre.Console;

namespace Build.Infrastructure;

/// <summary>
/// Shows that a long step is alive: a spinner with the elapsed time in an interactive terminal, plain lines
/// elsewhere (a start line, a "still ..." line every <see cref="HeartbeatInterval"/>, a done line), so logs
/// in CI stay readable. Output of the work itself must not go to the console while the spinner runs.
/// </summary>
public static class Progress
{
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>True in a terminal a person watches: output not redirected, and not a CI job.</summary>
    public static bool IsInteractive(bool ci) => !Console.IsOutputRedirected && !ci;

    /// <summary>
    /// Runs <paramref name="work"/>, reported as "<paramref name="step"/>: <paramref name="activity"/>". The last line is
    /// <paramref name="finished"/>'s (default: "done in ...") when it returns, or "stopped after ..." when it throws.
    /// </summary>
    public static T Run<T>(bool interactive, string step, string activity, Action<string> log, Func<T> work, Func<T, TimeSpan, string>? finished = null)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var result = Track(interactive, step, activity, log, work, clock);
            log(finished?.Invoke(result, clock.Elapsed) ?? $"{step}: done in {clock.Elapsed.TotalSeconds:0.0}s.");
            return result;
        }
        catch
        {
            log($"{step}: stopped after {clock.Elapsed.TotalSeconds:0.0}s.");
            throw;
        }
    }

    private static T Track<T>(bool interactive, string step, string activity, Action<string> log, Func<T> work, Stopwatch clock)
    {
        T result;
        if (interactive)
        {
            result = AnsiConsole.Status().Spinner(Spinner.Known.Dots).Start(Markup.Escape($"{step}: {activity}"), status =>
            {
                var running = Task.Run(work);
                while (!running.Wait(TimeSpan.FromMilliseconds(250)))
                {
                    status.Status(Markup.Escape($"{step}: {activity} ({clock.Elapsed.TotalSeconds:0}s)"));
                }

                return running.GetAwaiter().GetResult();
            });
        }
        else
        {
            log($"{step}: {activity}...");
            using var heartbeat = new Timer(
                _ => log($"{step}: still {activity} ({clock.Elapsed.TotalSeconds:0}s so far)"), null, HeartbeatInterval, HeartbeatInterval);
            result = work();
        }

        return result;
    }
}
