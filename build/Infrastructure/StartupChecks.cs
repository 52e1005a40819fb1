namespace Build.Infrastructure;

/// <summary>Checks that must pass before the Cake host starts (it would hang or fail obscurely otherwise).</summary>
public static class StartupChecks
{
    /// <summary>
    /// Null when the temporary directory (TMPDIR, else the system's) takes a file; else one line that says so. Without
    /// this, a read-only TMPDIR makes the host's NuGet module retry creating its scratch folder forever.
    /// </summary>
    public static string? TemporaryDirectoryProblem(string directory)
    {
        var probe = Path.Combine(directory, $".coinpilot-probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }

            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            var source = string.IsNullOrEmpty(Environment.GetEnvironmentVariable(EnvironmentVariableNames.TmpDir)) ? "the system's temporary directory" : EnvironmentVariableNames.TmpDir;
            return $"Cannot write to {directory} ({source}): {exception.Message} Point TMPDIR at a writable directory.";
        }
    }
}
