using Cake.Core.Tooling;

namespace Build.Docker;

/// <summary>
/// <c>docker build</c> options, named as in Cake.Docker's settings. A flag is passed only when true; a list
/// option once per value.
/// </summary>
public sealed class DockerImageBuildSettings : ToolSettings
{
    public IList<string> Tag { get; init; } = [];

    public string? File { get; init; }

    public IList<string> BuildArg { get; init; } = [];

    public IList<string> Label { get; init; } = [];

    public string? Iidfile { get; init; }

    public bool Pull { get; init; }

    public bool NoCache { get; init; }

    public bool Quiet { get; init; }
}
