namespace Build.Docker;

public enum DockerConfigFileState
{
    Missing,
    IsDirectory,
    Unreadable,
    Read,
}

/// <summary>What reading the user's <c>config.json</c> gave: its text, or why there is none.</summary>
public sealed record DockerConfigFile(string Path, DockerConfigFileState State, string? Text = null, string? Error = null)
{
    public static DockerConfigFile Read(string path)
    {
        if (Directory.Exists(path))
        {
            return new DockerConfigFile(path, DockerConfigFileState.IsDirectory);
        }

        if (!File.Exists(path))
        {
            return new DockerConfigFile(path, DockerConfigFileState.Missing);
        }

        try
        {
            return new DockerConfigFile(path, DockerConfigFileState.Read, File.ReadAllText(path));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return new DockerConfigFile(path, DockerConfigFileState.Unreadable, Error: exception.Message);
        }
    }
}
