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
    [Argument(ArgumentNames.Config)]
    public required string ConfigPath { get; init; }

    /// <summary>The services to work on, or null for all of them.</summary>
    [Argument(ArgumentNames.Services)]
    public IReadOnlyList<string>? Services { get; init; }

    [Argument(ArgumentNames.Namespace)]
    public string? Namespace { get; init; }

    [Argument(ArgumentNames.KubeContext)]
    public string? KubeContext { get; init; }

    [Argument(ArgumentNames.MinikubeProfile)]
    public string? MinikubeProfile { get; init; }

    [Argument(ArgumentNames.AllowContext)]
    public string? AllowContext { get; init; }

    /// <summary>The delivery asked for on the command line, or null (the services file's, else auto).</summary>
    [Argument(ArgumentNames.ImageDelivery)]
    public Delivery.DeliveryMode? ImageDelivery { get; init; }

    /// <summary>The registry given on the command line, or null (the services file's, if any).</summary>
    [Argument(ArgumentNames.Registry)]
    public Registry.RegistryAddress? Registry { get; init; }

    /// <summary>For RegistryLogin: the user name (argument, else COINPILOT_REGISTRY_USERNAME).</summary>
    [Argument(ArgumentNames.RegistryUsername)]
    public string? RegistryUsername { get; init; }

    [Argument(ArgumentNames.RolloutTimeout)]
    public TimeSpan RolloutTimeout { get; init; } = TimeSpan.FromSeconds(180);

    /// <summary>How long to wait for another run's lock; zero refuses at once.</summary>
    [Argument(ArgumentNames.LockTimeout)]
    public TimeSpan LockTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>The duration of the cluster lock's Lease: how long it outlives a run that dies.</summary>
    [Argument(ArgumentNames.LockLease)]
    public TimeSpan LockLease { get; init; } = Kubernetes.RedeployLease.DefaultDuration;

    /// <summary>How many builds at once, or null for all.</summary>
    [Argument(ArgumentNames.Parallel)]
    public int? Parallelism { get; init; }

    [Argument(ArgumentNames.ForceRestart)]
    public bool ForceRestart { get; init; }

    [Argument(ArgumentNames.RollbackOnFailure)]
    public bool RollbackOnFailure { get; init; }

    /// <summary>The start-up allowance: a container that crashes again after this many restarts fails its rollout.</summary>
    [Argument(ArgumentNames.FailAfterRestarts)]
    public int FailAfterRestarts { get; init; } = 2;

    /// <summary>Whether PruneImages runs after a successful rollout.</summary>
    [Argument(ArgumentNames.Prune)]
    public bool Prune { get; init; } = true;

    /// <summary>How many of each service's newest id- images pruning keeps.</summary>
    [Argument(ArgumentNames.KeepImages)]
    public int KeepImages { get; init; } = 3;

    [Argument(ArgumentNames.PruneRegistry)]
    public bool PruneRegistry { get; init; }

    [Argument(ArgumentNames.KeepDockerCreds)]
    public KeepCredsSetting KeepDockerCreds { get; init; } = KeepCredsSetting.Default;

    [Argument(ArgumentNames.TestFilter)]
    public string? TestFilter { get; init; }

    [Argument(ArgumentNames.BenchmarkRounds)]
    public int BenchmarkRounds { get; init; } = 3;

    [Argument(ArgumentNames.BenchmarkBlobMegabytes)]
    public int BenchmarkBlobMegabytes { get; init; } = 50;

    /// <summary>Watch: the quiet period after the last file event before an iteration starts.</summary>
    [Argument(ArgumentNames.WatchDebounce)]
    public TimeSpan WatchDebounce { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Watch: the polling interval, or null for native file events.</summary>
    [Argument(ArgumentNames.WatchPoll)]
    public TimeSpan? WatchPoll { get; init; }

    /// <summary>Follow the new pods' logs; null: the target's default (Watch yes, Redeploy no).</summary>
    [Argument(ArgumentNames.Logs)]
    public bool? FollowLogs { get; init; }

    /// <summary>Cake's --dryrun (read from the command line: Cake's own options never reach the arguments).</summary>
    public bool DryRun { get; init; }

    public static BuildSettings Parse(ICakeArguments arguments, HostEnvironment host, string workingDirectory, IReadOnlyList<string> commandLine)
    {
        string? Value(string name) =>
            arguments.HasArgument(name) ? arguments.GetArguments(name).LastOrDefault() ?? "" : null;

        string? Text(string name) => Value(name) is { Length: > 0 } text ? text.Trim() : null;

        bool Flag(string name) => Value(name) is { } value && InputParsing.ParseFlag(value, "--" + name);

        int Count(string name) => InputParsing.ParseCount(Text(name) ?? Arguments.For(name).Default, "--" + name);

        return new BuildSettings
        {
            ConfigPath = Path.GetFullPath(Text(ArgumentNames.Config) ?? Arguments.For(ArgumentNames.Config).Default, workingDirectory),
            Services = Text(ArgumentNames.Services) is { } services ? InputParsing.ParseList(services) : null,
            Namespace = Text(ArgumentNames.Namespace),
            KubeContext = Text(ArgumentNames.KubeContext),
            MinikubeProfile = Text(ArgumentNames.MinikubeProfile),
            AllowContext = Text(ArgumentNames.AllowContext),
            ImageDelivery = Text(ArgumentNames.ImageDelivery) is { } delivery ? Delivery.DeliveryChoice.Parse(delivery, "--" + ArgumentNames.ImageDelivery) : null,
            Registry = Text(ArgumentNames.Registry) is { } registry ? Build.Registry.RegistryAddress.Parse(registry, "--" + ArgumentNames.Registry) : null,
            RegistryUsername = Text(ArgumentNames.RegistryUsername) ?? host.RegistryUsername,
            RolloutTimeout = InputParsing.ParseDuration(Text(ArgumentNames.RolloutTimeout) ?? Arguments.For(ArgumentNames.RolloutTimeout).Default, "--" + ArgumentNames.RolloutTimeout),
            LockTimeout = Text(ArgumentNames.LockTimeout) is { } wait
                ? InputParsing.ParseDuration(wait, "--" + ArgumentNames.LockTimeout, allowZero: true)
                : TimeSpan.Zero,
            LockLease = InputParsing.ParseDuration(Text(ArgumentNames.LockLease) ?? Arguments.For(ArgumentNames.LockLease).Default, "--" + ArgumentNames.LockLease,
                longest: TimeSpan.FromHours(1), shortest: Kubernetes.RedeployLease.ShortestDuration),
            Parallelism = Text(ArgumentNames.Parallel) is { } parallel
                ? InputParsing.ParseParallelism(parallel, "--" + ArgumentNames.Parallel)
                : null,
            ForceRestart = Flag(ArgumentNames.ForceRestart),
            RollbackOnFailure = Flag(ArgumentNames.RollbackOnFailure),
            FailAfterRestarts = InputParsing.ParseWholeNumber(Text(ArgumentNames.FailAfterRestarts) ?? Arguments.For(ArgumentNames.FailAfterRestarts).Default, "--" + ArgumentNames.FailAfterRestarts, 0),
            Prune = Value(ArgumentNames.Prune) is not { } prune || InputParsing.ParseFlag(prune, "--" + ArgumentNames.Prune),
            KeepImages = Count(ArgumentNames.KeepImages),
            PruneRegistry = Flag(ArgumentNames.PruneRegistry),
            KeepDockerCreds = ParseKeepCreds(Value(ArgumentNames.KeepDockerCreds), host.KeepDockerCreds),
            TestFilter = Text(ArgumentNames.TestFilter),
            BenchmarkRounds = Count(ArgumentNames.BenchmarkRounds),
            BenchmarkBlobMegabytes = Count(ArgumentNames.BenchmarkBlobMegabytes),
            WatchDebounce = Text(ArgumentNames.WatchDebounce) is { } debounce
                ? InputParsing.ParseDuration(debounce, "--" + ArgumentNames.WatchDebounce, allowZero: true)
                : TimeSpan.FromMilliseconds(300),
            WatchPoll = Text(ArgumentNames.WatchPoll) is { } poll ? InputParsing.ParseDuration(poll, "--" + ArgumentNames.WatchPoll) : null,
            FollowLogs = Value(ArgumentNames.Logs) is { } logs ? InputParsing.ParseFlag(logs, "--" + ArgumentNames.Logs) : null,
            DryRun = CommandLine.IsDryRun(commandLine),
        };
    }

    /// <summary>The argument wins over the environment variable; an empty variable counts as unset.</summary>
    private static KeepCredsSetting ParseKeepCreds(string? argument, string? variable)
    {
        if (argument is not null)
        {
            var source = "--" + ArgumentNames.KeepDockerCreds;
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

/// <summary>The argument a setting is parsed from (so tests can check that each task declares what it reads).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ArgumentAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
