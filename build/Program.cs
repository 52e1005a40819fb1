using Build;
using Build.Infrastructure;
using Cake.Frosting;

// Input that cannot work stops the run before the Cake host starts: one line, exit code 1.
if ((StartupChecks.TemporaryDirectoryProblem(Path.GetTempPath()) ?? CommandLine.Problem(args)) is { } problem)
{
    Console.Error.WriteLine("Error: " + problem);
    return 1;
}

using var cancellation = BuildCancellation.ListenForSignals();

var exitCode = new CakeHost()
    .UseContext<BuildContext>()
    .UseLifetime<BuildLifetime>()
    .UseTaskLifetime<BuildTaskLifetime>()
    .UseWorkingDirectory(Paths.RepositoryRoot)
    .ConfigureServices(services => services.AddBuildCancellation(cancellation).AddTerminalAwareConsole())
    .Run(args);

return cancellation.ExitCodeOr(exitCode);
