using Build.Infrastructure;
using Cake.Common.Tools.DotNet;
using Cake.Common.Tools.DotNet.Test;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Test))]
[TaskDescription("Runs all tests (dotnet test Redeploy.slnx). Tests that need Docker, kubectl or pwsh skip without them, except in CI.")]
public sealed class Test : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context) =>
        context.DotNetTest(Paths.Solution, new DotNetTestSettings
        {
            Filter = context.Settings.TestFilter,
            Loggers = ["console;verbosity=normal"],
        });
}
