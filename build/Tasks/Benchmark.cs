using Build.Infrastructure;
using Cake.Common.Tools.DotNet;
using Cake.Common.Tools.DotNet.Run;
using Cake.Core;
using Cake.Core.IO;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(Benchmark))]
[TaskDescription("Times a warm ./build.sh against dotnet run; Redeploy against the old script's naive sequence; a 2/10/20-service sweep; and the image delivery modes, on simulated clusters (needs a Docker daemon and kubectl; docker-env needs root, registry docker-registry); prints the numbers.")]
[TaskArguments(ArgumentNames.BenchmarkRounds, ArgumentNames.BenchmarkBlobMegabytes)]
public sealed class Benchmark : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var arguments = new ProcessArgumentBuilder()
            .Append("--build-dll").AppendQuoted(typeof(Benchmark).Assembly.Location)
            .Append("--rounds").Append(context.Settings.BenchmarkRounds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append("--blob-mb").Append(context.Settings.BenchmarkBlobMegabytes.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .Append("--startup-of").AppendQuoted(Paths.RepositoryRoot);
        context.DotNetRun(
            System.IO.Path.Combine(Paths.RepositoryRoot, "bench", "Redeploy.Benchmark", "Redeploy.Benchmark.csproj"),
            arguments,
            new DotNetRunSettings { Configuration = "Release" });
    }
}
