using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.IO;

namespace Cake.Frosting.Internal;

/// <summary>
/// Cake's configuration: UseCakeSetting values, then CAKE_* environment variables, then cake.config in the working
/// directory, then the build's arguments (the first value of a repeated one, as Cake reads them), each overriding
/// the one before. Read on first use, so that the working directory is final by then.
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
            arguments.GetArguments().ToDictionary(a => a.Key, a => a.Value.FirstOrDefault() ?? string.Empty, StringComparer.OrdinalIgnoreCase)));

    public string GetValue(string key) => _configuration.Value.GetValue(key);
}
