namespace Build.Infrastructure;

/// <summary>Where things are in this repository.</summary>
public static class Paths
{
    /// <summary>
    /// The repository root: the nearest directory above the running build that holds <c>global.json</c> and
    /// <c>build/Build.csproj</c>; else the current directory. The build runs there whatever directory
    /// <c>./build.sh</c> is started from (<c>--working</c> still overrides it).
    /// </summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot(AppContext.BaseDirectory) ?? Environment.CurrentDirectory;

    public static string Solution => Path.Combine(RepositoryRoot, "Redeploy.slnx");

    internal static string? FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "global.json")) &&
                File.Exists(Path.Combine(directory.FullName, "build", "Build.csproj")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
