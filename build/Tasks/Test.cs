using Build.Infrastructure;
using Cake.Common.Tools.DotNet;
using Cake.Common.Tools.DotNet.Test;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Test))]
[TaskDescription("Runs all tests: dotnet test of tests/ClusterSim.Tests, then of tests/Build.Tests. Tests that need Docker, kubectl or pwsh skip without them, except in CI.")]
[TaskArguments(ArgumentNames.TestFilter)]
public sealed class Test : FrostingTask<BuildContext>
{
    /// <summary>
    /// One project after the other, not the solution's projects at once: both build and remove images on one Docker
    /// daemon, and dockerd 20.10's classic builder fails a build ("unable to find image") when a concurrent
    /// <c>docker rmi</c> takes an image its cache had just picked.
    /// </summary>
    private static readonly string[] Projects = ["tests/ClusterSim.Tests/ClusterSim.Tests.csproj", "tests/Build.Tests/Build.Tests.csproj"];

    public override void Run(BuildContext context)
    {
        foreach (var project in Projects)
        {
            context.DotNetTest(System.IO.Path.Combine(Paths.RepositoryRoot, project), new DotNetTestSettings
            {
                Filter = context.Settings.TestFilter,
                Loggers = ["console;verbosity=normal"],
            });
        }
    }
}
