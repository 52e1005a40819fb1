using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.IO;

namespace Cake.Frosting.Internal;

/// <summary>
/// Cake's configuration (cake.config in the working directory, CAKE_* environment variables, UseCakeSetting
/// values and --name=value arguments), read on first use so that --working has been applied by then.
/// </summary>
internal sealed class HostConfiguration(
    IFileSystem fileSystem,
    ICakeEnvironment environment,
    ICakeArguments arguments,
    IEnumerable<CakeSetting> settings) : ICakeConfiguration
{
    private readonly Lazy<ICakeConfiguration> _configuration = new(() =>
        new CakeConfigurationProvider(fileSystem, environment).CreateConfiguration(
            environment.WorkingDirectory,
            settings.Select(s => new KeyValuePair<string, string>(s.Key, s.Value)),
            arguments.GetArguments().ToDictionary(a => a.Key, a => a.Value.LastOrDefault(), StringComparer.OrdinalIgnoreCase)));

    public string GetValue(string key) => _configuration.Value.GetValue(key);
}
