namespace TestSupport;

/// <summary>A fresh directory under the system temp directory, removed (with its contents) on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "test")
    {
        Path = Directory.CreateTempSubdirectory($"coinpilot-{prefix}-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes a file (creating its directory) and returns its full path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var full = Combine(relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    /// <summary>Writes a script (with a shebang line) and makes it executable.</summary>
    public string WriteExecutable(string relativePath, string content)
    {
        var full = WriteFile(relativePath, content);
        MakeExecutable(full);
        return full;
    }

    public static void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS temp cleaner gets the rest.
        }
    }
}
