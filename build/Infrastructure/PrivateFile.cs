using System.Text;

namespace Build.Infrastructure;

/// <summary>Files that hold secrets or credentials: readable by their owner only, never half-written.</summary>
public static class PrivateFile
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Writes <paramref name="content"/> (UTF-8 without a byte order mark, which docker's JSON parser rejects) to a new
    /// file of mode 0600 beside <paramref name="path"/>, then moves it over <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, string content)
    {
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        try
        {
            using (var writer = new StreamWriter(temporary, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), options))
            {
                writer.Write(content);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
