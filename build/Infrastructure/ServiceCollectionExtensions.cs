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
}
