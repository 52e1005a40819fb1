using Cake.Core.IO;
using Cake.Frosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cake.Frosting;

/// <summary>The fluent configuration Cake.Frosting offers on <see cref="CakeHost"/>.</summary>
public static class CakeHostExtensions
{
    /// <summary>Every task receives an instance of <typeparamref name="TContext"/>, created once per run.</summary>
    public static CakeHost UseContext<TContext>(this CakeHost host)
        where TContext : class, IFrostingContext =>
        host.ConfigureServices(services =>
        {
            services.AddSingleton<TContext>();
            services.Replace(ServiceDescriptor.Singleton<IFrostingContext>(provider => provider.GetRequiredService<TContext>()));
        });

    public static CakeHost UseLifetime<TLifetime>(this CakeHost host)
        where TLifetime : class, IFrostingLifetime =>
        host.ConfigureServices(services =>
        {
            services.AddSingleton<TLifetime>();
            services.Replace(ServiceDescriptor.Singleton<IFrostingSetup>(provider => provider.GetRequiredService<TLifetime>()));
            services.Replace(ServiceDescriptor.Singleton<IFrostingTeardown>(provider => provider.GetRequiredService<TLifetime>()));
        });

    public static CakeHost UseTaskLifetime<TLifetime>(this CakeHost host)
        where TLifetime : class, IFrostingTaskLifetime =>
        host.ConfigureServices(services =>
        {
            services.AddSingleton<TLifetime>();
            services.Replace(ServiceDescriptor.Singleton<IFrostingTaskSetup>(provider => provider.GetRequiredService<TLifetime>()));
            services.Replace(ServiceDescriptor.Singleton<IFrostingTaskTeardown>(provider => provider.GetRequiredService<TLifetime>()));
        });

    public static CakeHost UseSetup<TSetup>(this CakeHost host)
        where TSetup : class, IFrostingSetup =>
        host.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<IFrostingSetup, TSetup>()));

    public static CakeHost UseTeardown<TTeardown>(this CakeHost host)
        where TTeardown : class, IFrostingTeardown =>
        host.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<IFrostingTeardown, TTeardown>()));

    public static CakeHost UseTaskSetup<TSetup>(this CakeHost host)
        where TSetup : class, IFrostingTaskSetup =>
        host.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<IFrostingTaskSetup, TSetup>()));

    public static CakeHost UseTaskTeardown<TTeardown>(this CakeHost host)
        where TTeardown : class, IFrostingTaskTeardown =>
        host.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton<IFrostingTaskTeardown, TTeardown>()));

    /// <summary>The working directory when <c>--working</c> is not given (relative paths are from the current directory).</summary>
    public static CakeHost UseWorkingDirectory(this CakeHost host, DirectoryPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return host.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(new WorkingDirectory(path))));
    }

    /// <summary>A Cake configuration value (as in cake.config or CAKE_* variables); the command line still wins.</summary>
    public static CakeHost UseCakeSetting(this CakeHost host, string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return host.ConfigureServices(services => services.AddSingleton(new CakeSetting(key, value)));
    }
}
