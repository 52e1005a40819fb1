namespace Cake.Docker;

// The settings of the docker commands the build and its users need, with Cake.Docker 1.5.0's names and types.
// Each property is a flag of the command (see AutoToolSettings); the order of the properties is the order of
// the flags on the command line.

/// <summary><c>docker image build</c>.</summary>
public sealed class DockerImageBuildSettings : AutoToolSettings
{
    public string[]? AddHost { get; set; }

    public string[]? BuildArg { get; set; }

    public string[]? CacheFrom { get; set; }

    public string? CgroupParent { get; set; }

    public bool? Compress { get; set; }

    public long? CpuPeriod { get; set; }

    public long? CpuQuota { get; set; }

    public string? CpusetCpus { get; set; }

    public string? CpusetMems { get; set; }

    public long? CpuShares { get; set; }

    [TrueByDefault]
    public bool? DisableContentTrust { get; set; }

    public string? File { get; set; }

    public bool? ForceRm { get; set; }

    public string? Iidfile { get; set; }

    public string? Isolation { get; set; }

    public string[]? Label { get; set; }

    public string? Memory { get; set; }

    public string? MemorySwap { get; set; }

    public string? Network { get; set; }

    public bool? NoCache { get; set; }

    public string? Platform { get; set; }

    public string? Progress { get; set; }

    public bool? Pull { get; set; }

    public bool? Quiet { get; set; }

    [TrueByDefault]
    public bool? Rm { get; set; }

    public string[]? SecurityOpt { get; set; }

    public string? ShmSize { get; set; }

    public bool? Squash { get; set; }

    public bool? Stream { get; set; }

    public string[]? Tag { get; set; }

    public string? Target { get; set; }

    public string[]? Ulimit { get; set; }
}

/// <summary><c>docker tag</c> (no options).</summary>
public sealed class DockerImageTagSettings : AutoToolSettings
{
}

/// <summary><c>docker push</c>.</summary>
public sealed class DockerImagePushSettings : AutoToolSettings
{
    [TrueByDefault]
    public bool? DisableContentTrust { get; set; }

    public bool AllTags { get; set; }
}

/// <summary><c>docker pull</c>.</summary>
public sealed class DockerImagePullSettings : AutoToolSettings
{
    public bool? AllTags { get; set; }

    [TrueByDefault]
    public bool? DisableContentTrust { get; set; }

    public string? Platform { get; set; }
}

/// <summary><c>docker rmi</c>.</summary>
public sealed class DockerImageRemoveSettings : AutoToolSettings
{
    public bool? Force { get; set; }

    public bool? NoPrune { get; set; }
}

/// <summary><c>docker save</c>.</summary>
public sealed class DockerImageSaveSettings : AutoToolSettings
{
    public string? Output { get; set; }
}

/// <summary><c>docker load</c>.</summary>
public sealed class DockerImageLoadSettings : AutoToolSettings
{
    public string? Input { get; set; }

    public bool? Quiet { get; set; }
}

/// <summary>
/// <c>docker login</c>. Prefer <see cref="PasswordStdin"/> with the password on standard input
/// (<c>SetupProcessSettings</c>): a <see cref="Password"/> is redacted in logs but is still in the process's argv.
/// </summary>
public sealed class DockerRegistryLoginSettings : AutoToolSettings
{
    public string? Password { get; set; }

    public bool? PasswordStdin { get; set; }

    public string? Username { get; set; }

    protected override string[] CollectSecretProperties() => [nameof(Password)];
}

/// <summary><c>docker logout</c> (no options).</summary>
public sealed class DockerRegistryLogoutSettings : AutoToolSettings
{
}

/// <summary>Any docker command (<c>DockerCustomCommand</c>): only the common tool settings.</summary>
public sealed class DockerCustomCommandSettings : AutoToolSettings
{
}
