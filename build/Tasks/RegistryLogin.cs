using Build.Docker;
using Build.Infrastructure;
using Build.Registry;
using Build.Tools;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace Build.Tasks;

[TaskName(nameof(RegistryLogin))]
[IsDependentOn(typeof(CredsFallback))]
[TaskDescription("Saves a registry login for redeploys under the credential fallback (outside ~/.docker, mode 0600): --registry=HOST --registry-username=NAME, the password on standard input.")]
[TaskArguments(ArgumentNames.Registry, ArgumentNames.RegistryUsername, ArgumentNames.Config)]
public sealed class RegistryLogin : FrostingTask<BuildContext>
{
    public override void Run(BuildContext context)
    {
        var registry = context.Settings.Registry ?? context.Config.Registry
            ?? throw new BuildInputException($"RegistryLogin needs the registry: --{ArgumentNames.Registry}=HOST[:PORT].");
        var username = context.Settings.RegistryUsername
            ?? throw new BuildInputException($"RegistryLogin needs a user name: --{ArgumentNames.RegistryUsername}=NAME (or {EnvironmentVariableNames.RegistryUsername}).");
        var password = ReadPassword(registry.Host, username);
        if (password.Length == 0)
        {
            throw new BuildInputException($"RegistryLogin read no password: give it on standard input, e.g. printf '%s' \"$TOKEN\" | ./build.sh --target=RegistryLogin --registry={registry.Host} --registry-username={username}");
        }

        // docker login checks the password with the registry; it writes into a throwaway config (Teardown removes it), never ~/.docker.
        var scratch = context.DockerConfig!.Scratch();
        try
        {
            context.DockerLoginWithStdin(context.ToolEnvironment.With(EnvironmentVariableNames.DockerConfig, scratch.Path), registry.Host, username, password);
        }
        catch (CakeException failure)
        {
            throw new PipelineException($"{registry.Host} did not accept the login of {username}: {failure.Message.Split('\n').Last().Trim()}");
        }

        var store = new SavedLogins(SavedLogins.DefaultPath(context.Host));
        store.Save(registry.Host, new RegistryCredentials(username, password, "RegistryLogin"));
        context.Log.Information("RegistryLogin: saved the login of {0} for {1} in {2} (mode 0600). Redeploys that push there use it.", username, registry.Host, store.Path);
    }

    /// <summary>The password from standard input: typed without echo in a terminal, else the first line of what is piped in.</summary>
    private static string ReadPassword(string host, string username)
    {
        if (Console.IsInputRedirected)
        {
            return (Console.In.ReadLine() ?? "").TrimEnd('\r');
        }

        Console.Error.Write($"Password for {username} at {host}: ");
        var password = new System.Text.StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace && password.Length > 0)
            {
                password.Length--;
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
