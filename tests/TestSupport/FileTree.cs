using System.Security.Cryptography;

namespace TestSupport;

/// <summary>Every entry below a directory with a hash of each file's bytes: equal snapshots mean nothing changed.</summary>
public static class FileTree
{
    public static IReadOnlyDictionary<string, string> Snapshot(string directory) =>
        new DirectoryInfo(directory)
            .EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .OrderBy(e => e.FullName, StringComparer.Ordinal)
            .ToDictionary(
                e => Path.GetRelativePath(directory, e.FullName),
                e => e switch
                {
                    _ when e.LinkTarget is not null => "link:" + e.LinkTarget,
                    FileInfo file => "file:" + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file.FullName))),
                    _ => "dir",
                });
}
