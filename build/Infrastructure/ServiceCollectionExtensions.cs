using Cake.Core;
using Cake.Core.IO;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Build.Infrastructure;

public static class ServiceCollectionExtensions
{
    /// <summary>Makes every process the build starts stop with the build (see <see cref="BuildCancellation"/>).</summary>
    public static IServiceCollection AddBuildCancellation(this IServiceCollection services, BuildCancellation cancellation)
    {
        services.AddSingleton(cancellation);
        services.Replace(ServiceDescriptor.Singleton<IProcessRunner>(provider =>
            new CancellableProcessRunner(ActivatorUtilities.CreateInstance<ProcessRunner>(provider), cancellation)));
        return services;
    }

    /// <summary>No colour codes where the output is read as text (see <see cref="TerminalAwareConsole"/>).</summary>
    public static IServiceCollection AddTerminalAwareConsole(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IConsole>(provider =>
        {
            var environment = provider.GetRequiredService<ICakeEnvironment>();
            return new TerminalAwareConsole(new CakeConsole(environment), !Console.IsOutputRedirected, environment.GetEnvironmentVariable);
        }));
        return services;
    }
}
