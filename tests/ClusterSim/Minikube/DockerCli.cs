using System.Diagnostics;

namespace ClusterSim.Minikube;

/// <summary>
/// Runs the real docker CLI found on PATH with the inherited environment, so DOCKER_HOST, DOCKER_CONFIG and the
/// current docker context pick the daemon exactly as they would for the user.
/// </summary>
internal static class DockerCli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await output, await error);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (127, "", $"exec: \"docker\": executable file not found in $PATH ({e.Message})");
        }
    }
}
