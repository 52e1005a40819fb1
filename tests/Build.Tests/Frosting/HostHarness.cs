using System.Text;
using Cake.Core;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Build.Tests.Frosting;

/// <summary>What a host run printed and returned.</summary>
public sealed record HostRun(int ExitCode, string Output, Journal Journal);

/// <summary>Records what tasks and lifetimes did, in order.</summary>
public sealed class Journal
{
    private readonly List<string> _entries = [];

    public IReadOnlyList<string> Entries
    {
        get { lock (_entries) return [.. _entries]; }
    }

    public void Add(string entry)
    {
        lock (_entries) _entries.Add(entry);
    }
}

/// <summary>Runs a <see cref="CakeHost"/> in-process with its console captured.</summary>
public static class HostHarness
{
    public static HostRun Run(Action<CakeHost> configure, params string[] args) => Run(new CakeHost(), configure, args);

    /// <summary>Runs <paramref name="host"/>, configured by <paramref name="configure"/>, with its console captured.</summary>
    public static HostRun Run(CakeHost host, Action<CakeHost> configure, params string[] args)
    {
        var journal = new Journal();
        var console = new RecordingConsole();
        var ansi = new StringWriter();
        host.ConfigureServices(services =>
        {
            services.AddSingleton(journal);
            services.AddSingleton<IConsole>(console);
            services.AddSingleton(AnsiConsole.Create(new AnsiConsoleSettings
            {
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Out = new AnsiConsoleOutput(ansi),
            }));
        });
        configure(host);
        var exitCode = host.Run(args);
        return new HostRun(exitCode, console.Text + ansi, journal);
    }

    /// <summary>Registers task types the way CakeHost registers the ones it finds in an assembly.</summary>
    public static CakeHost WithTasks(this CakeHost host, params Type[] tasks) =>
        host.ConfigureServices(services =>
        {
            foreach (var task in tasks)
            {
                services.AddSingleton(typeof(IFrostingTask), task);
            }
        });

    /// <summary>Registers the Probe task, which runs <paramref name="body"/>.</summary>
    public static CakeHost WithProbe(this CakeHost host, Action<ICakeContext> body) =>
        host.ConfigureServices(services => services.AddSingleton(new Probe(body))).WithTasks(typeof(ProbeTask));

    private sealed class RecordingConsole : IConsole
    {
        private readonly StringBuilder _text = new();

        public string Text
        {
            get { lock (_text) return _text.ToString(); }
        }

        public ConsoleColor ForegroundColor { get; set; }

        public ConsoleColor BackgroundColor { get; set; }

        public bool SupportAnsiEscapeCodes => false;

        public void Write(string format, params object[] arg) => Append(string.Format(format, arg));

        public void Write(string value) => Append(value);

        public void WriteLine(string format, params object[] arg) => Append(string.Format(format, arg) + "\n");

        public void WriteLine(string value) => Append(value + "\n");

        public void WriteError(string format, params object[] arg) => Append(string.Format(format, arg));

        public void WriteError(string value) => Append(value);

        public void WriteErrorLine(string format, params object[] arg) => Append(string.Format(format, arg) + "\n");

        public void WriteErrorLine(string value) => Append(value + "\n");

        public void ResetColor()
        {
        }

        private void Append(string text)
        {
            lock (_text) _text.Append(text);
        }
    }
}
