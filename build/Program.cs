using Build;
using Build.Infrastructure;
using Cake.Frosting;

using var cancellation = BuildCancellation.ListenForSignals();

var exitCode = new CakeHost()
    .UseContext<BuildContext>()
    .UseLifetime<BuildLifetime>()
    .UseTaskLifetime<BuildTaskLifetime>()
    .UseWorkingDirectory(Paths.RepositoryRoot)
    .ConfigureServices(services => services.AddBuildCancellation(cancellation))
    .Run(args);

return cancellation.ExitCodeOr(exitCode);
