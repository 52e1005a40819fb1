using Cake.Core;
using Cake.Core.Composition;
using Cake.Core.IO;
using Cake.Core.Packaging;
using Cake.Frosting;
using Microsoft.Extensions.DependencyInjection;

namespace Build.Tests.Frosting;

// Lifetimes, startups, modules and installers used by the host tests. Those that need no more than ICakeContext take
// the run's Journal from the host's services, as any lifetime may take services in its constructor.

public sealed class PlainSetup(Journal journal) : FrostingSetup
{
    public override void Setup(ICakeContext context, ISetupContext info) => journal.Add($"plain-setup:{info.TargetTask.Name}");
}

public sealed class OtherPlainSetup(Journal journal) : FrostingSetup
{
    public override void Setup(ICakeContext context, ISetupContext info) => journal.Add("other-plain-setup");
}

public sealed class PlainTeardown(Journal journal) : FrostingTeardown
{
    public override void Teardown(ICakeContext context, ITeardownContext info) => journal.Add($"plain-teardown:{info.Successful}");
}

public sealed class PlainTaskSetup(Journal journal) : FrostingTaskSetup
{
    public override void Setup(ICakeContext context, ITaskSetupContext info) => journal.Add($"plain-task-setup:{info.Task.Name}");
}

public sealed class PlainTaskTeardown(Journal journal) : FrostingTaskTeardown
{
    public override void Teardown(ICakeContext context, ITaskTeardownContext info) => journal.Add($"plain-task-teardown:{info.Task.Name}");
}

public sealed class PlainLifetime(Journal journal) : FrostingLifetime
{
    public override void Setup(ICakeContext context, ISetupContext info) => journal.Add("plain-lifetime-setup");

    public override void Teardown(ICakeContext context, ITeardownContext info) => journal.Add("plain-lifetime-teardown");
}

public sealed class PlainTaskLifetime(Journal journal) : FrostingTaskLifetime
{
    public override void Setup(ICakeContext context, ITaskSetupContext info) => journal.Add($"plain-task-lifetime-setup:{info.Task.Name}");

    public override void Teardown(ICakeContext context, ITaskTeardownContext info) => journal.Add($"plain-task-lifetime-teardown:{info.Task.Name}");
}

/// <summary>Configures the host the way a build would share configuration between hosts.</summary>
public sealed class SettingStartup : IFrostingStartup
{
    public void Configure(IServiceCollection services) => services.UseCakeSetting("Coinpilot_Test", "from-startup").UseSetup<PlainSetup>();
}

/// <summary>Something only <see cref="MarkerModule"/> registers.</summary>
public sealed class ModuleMarker
{
}

/// <summary>A Cake module (what <c>#module</c> loads for a script): registrations through Cake's own registrar.</summary>
public sealed class MarkerModule : ICakeModule
{
    public void Register(ICakeContainerRegistrar registrar) => registrar.RegisterType<ModuleMarker>().AsSelf().Singleton();
}

/// <summary>
/// Installs <c>fake:</c> tools by writing one file, <c>{package}.tool</c>, into its own directory (outside the tools
/// directory, so the tool locator finds it only if the host registers it), and journals the tools directory it was given
/// (made absolute, as a real installer does with a relative one).
/// </summary>
public sealed class FakeToolInstaller(IFileSystem fileSystem, ICakeEnvironment environment, Journal journal, FakeToolDirectory directory)
    : IPackageInstaller
{
    public bool CanInstall(PackageReference package, PackageType type) => package.Scheme == "fake" && type == PackageType.Tool;

    public IReadOnlyCollection<IFile> Install(PackageReference package, PackageType type, DirectoryPath path)
    {
        journal.Add($"install:{package.Package}:{path.MakeAbsolute(environment).FullPath}");
        if (package.Package == "empty")
        {
            return [];
        }

        var file = new FilePath(System.IO.Path.Combine(directory.Path, package.Package + ".tool"));
        File.WriteAllText(file.FullPath, "fake tool");
        return [fileSystem.GetFile(file)];
    }
}

/// <summary>Where <see cref="FakeToolInstaller"/> puts the tools it installs.</summary>
public sealed record FakeToolDirectory(string Path);
