using Cake.Core;

namespace Build.Infrastructure;

/// <summary>Whether to keep Docker Desktop's credential helper, and which input said so.</summary>
public sealed record KeepCredsSetting(bool Keep, string? Source)
{
    public static KeepCredsSetting Default { get; } = new(false, null);
}

/// <summary>
/// The build's inputs, parsed from the command line and the environment. Pure: it reads the values it is
/// given and nothing else, so that a bad value fails the run before anything happens.
/// </summary>
public sealed record BuildSettings
{
    public required string ConfigPath { get; init; }

    /// <summary>The services to work on, or null for all of them.</summary>
    public IReadOnlyList<string>? Services { get; init; }

    public string? Namespace { get; init; }

    public string? KubeContext { get; init; }

    public string? MinikubeProfile { get; init; }

    public string? AllowContext { get; init; }

    /// <summary>The delivery asked for on the command line, or null (the services file's, else auto).</summary>
    public Delivery.DeliveryMode? ImageDelivery { get; init; }

    /// <summary>The registry given on the command line, or null (the services file's, if any).</summary>
    public Registry.RegistryAddress? Registry { get; init; }

    /// <summary>For RegistryLogin: the user name (argument, else COINPILOT_REGISTRY_USERNAME).</summary>
    public string? RegistryUsername { get; init; }

    public TimeSpan RolloutTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>How long to wait for another run's lock; zero refuses at once.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>How many builds at once, or null for all.</summary>
    public int? Parallelism { get; init; }

    public bool ForceRestart { get; init; }

    public bool RollbackOnFailure { get; init; }

    public KeepCredsSetting KeepDockerCreds { get; init; } = KeepCredsSetting.Default;

    public string? TestFilter { get; init; }

    public int BenchmarkRounds { get; init; } = 3;

    public int BenchmarkBlobMegabytes { get; init; } = 50;

    public bool DryRun { get; init; }

    public static BuildSettings Parse(ICakeArguments arguments, Func<string, string?> environment, string workingDirectory, IReadOnlyList<string> commandLine)
    {
        string? Value(ArgumentSpec spec) =>
            arguments.HasArgument(spec.Name) ? arguments.GetArguments(spec.Name).LastOrDefault() ?? "" : null;

        string? Text(ArgumentSpec spec) => Value(spec) is { Length: > 0 } text ? text.Trim() : null;

        bool Flag(ArgumentSpec spec) => Value(spec) is { } value && InputParsing.ParseFlag(value, "--" + spec.Name);

        int Count(ArgumentSpec spec) => InputParsing.ParseCount(Text(spec) ?? spec.Default, "--" + spec.Name);

        return new BuildSettings
        {
            ConfigPath = Path.GetFullPath(Text(ArgumentNames.Config) ?? ArgumentNames.Config.Default, workingDirectory),
            Services = Text(ArgumentNames.Services) is { } services ? InputParsing.ParseList(services) : null,
            Namespace = Text(ArgumentNames.Namespace),
            KubeContext = Text(ArgumentNames.KubeContext),
            MinikubeProfile = Text(ArgumentNames.MinikubeProfile),
            AllowContext = Text(ArgumentNames.AllowContext),
            ImageDelivery = Text(ArgumentNames.ImageDelivery) is { } delivery ? Delivery.DeliveryChoice.Parse(delivery, "--" + ArgumentNames.ImageDelivery.Name) : null,
            Registry = Text(ArgumentNames.Registry) is { } registry ? Build.Registry.RegistryAddress.Parse(registry, "--" + ArgumentNames.Registry.Name) : null,
            RegistryUsername = Text(ArgumentNames.RegistryUsername) ?? (environment(EnvironmentVariableNames.RegistryUsername) is { Length: > 0 } user ? user : null),
            RolloutTimeout = Text(ArgumentNames.RolloutTimeout) is { } timeout
                ? InputParsing.ParseDuration(timeout, "--" + ArgumentNames.RolloutTimeout.Name)
                : InputParsing.ParseDuration(ArgumentNames.RolloutTimeout.Default, "default"),
            LockTimeout = Text(ArgumentNames.LockTimeout) is { } wait
                ? InputParsing.ParseDuration(wait, "--" + ArgumentNames.LockTimeout.Name, allowZero: true)
                : TimeSpan.Zero,
            Parallelism = Text(ArgumentNames.Parallel) is { } parallel
                ? InputParsing.ParseParallelism(parallel, "--" + ArgumentNames.Parallel.Name)
                : null,
            ForceRestart = Flag(ArgumentNames.ForceRestart),
            RollbackOnFailure = Flag(ArgumentNames.RollbackOnFailure),
            KeepDockerCreds = ParseKeepCreds(Value(ArgumentNames.KeepDockerCreds), environment(EnvironmentVariableNames.KeepDockerCreds)),
            TestFilter = Text(ArgumentNames.TestFilter),
            BenchmarkRounds = Count(ArgumentNames.BenchmarkRounds),
            BenchmarkBlobMegabytes = Count(ArgumentNames.BenchmarkBlobMegabytes),
            DryRun = CommandLine.IsDryRun(commandLine),
        };
    }

    /// <summary>The argument wins over the environment variable; an empty variable counts as unset.</summary>
    private static KeepCredsSetting ParseKeepCreds(string? argument, string? variable)
    {
        if (argument is not null)
        {
            var source = "--" + ArgumentNames.KeepDockerCreds.Name;
            return new KeepCredsSetting(InputParsing.ParseFlag(argument, source), $"{source}={argument}");
        }

        if (!string.IsNullOrWhiteSpace(variable))
        {
            var source = EnvironmentVariableNames.KeepDockerCreds;
            return new KeepCredsSetting(InputParsing.ParseFlag(variable, source), $"{source}={variable}");
        }

        return KeepCredsSetting.Default;
    }
}
