using Microsoft.Extensions.DependencyInjection;

namespace Cake.Frosting;

/// <summary>A reusable piece of host configuration, applied with <c>CakeHost.UseStartup&lt;T&gt;()</c>.</summary>
public interface IFrostingStartup
{
    /// <summary>Adds or replaces the host's services (the same collection <c>ConfigureServices</c> gets).</summary>
    /// <param name="services">The host's services.</param>
    void Configure(IServiceCollection services);
}
