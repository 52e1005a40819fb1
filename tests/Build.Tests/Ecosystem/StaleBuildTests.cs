using System.Text.RegularExpressions;
using TestSupport;
using Xunit;

namespace Build.Tests.Ecosystem;

/// <summary>
/// build.sh and build.ps1 never run a stale build, and never compile one that is up to date. Each test works on
/// a copy of the build's inputs (so the repository's build/bin is never touched) that the fixture compiled once;
/// every test leaves the copy compiled. Compiling takes ~10 s, so the tests compile as few times as they can.
/// </summary>
public sealed class StaleBuildTests(StaleBuildTests.BuildInputsCopy copy) : IClassFixture<StaleBuildTests.BuildInputsCopy>
{
    [Fact]
    public void The_first_run_of_a_fresh_copy_compiles_the_build()
    {
        Assert.True(copy.FirstRun.ExitCode == 0, copy.FirstRun.ToString());
        Assert.Equal(1, BootstrapScripts.CompileCount(copy.FirstRun));
        Assert.Contains("build.sh: compiling the build", copy.FirstRun.StandardError);
    }

    [Fact]
    public void The_run_after_a_fresh_copys_first_compile_does_not_compile_again()
    {
        // The first compile creates bin/ and obj/, which changes their parent directories; that is not an input.
        Assert.True(BootstrapScripts.CompileCount(copy.SecondRun) == 0, $"build.sh compiled again right after the first compile:\n{copy.SecondRun}");
    }

    [Fact]
    public async Task A_second_run_with_nothing_changed_does_not_compile()
    {
        var first = await copy.RunBuildShAsync("--version");
        var second = await copy.RunBuildShAsync("--version");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.True(BootstrapScripts.CompileCount(second) == 0, $"build.sh compiled although nothing changed:\n{second}");
        Assert.Contains(copy.FirstRun.StandardOutput.Trim(), second.StandardOutput);
    }

    [Fact]
    public async Task An_edited_task_description_is_compiled_once_and_shown()
    {
        await copy.RunBuildShAsync("--version");
        var text = copy.EditDefaultTaskDescription();

        var run = await copy.RunBuildShAsync("--description");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(BootstrapScripts.CompileCount(run) == 1, $"expected exactly one compile:\n{run}");
        Assert.Contains(text, run.StandardOutput);
    }

    [Fact]
    public async Task Adding_or_deleting_a_source_file_triggers_a_rebuild()
    {
        await copy.RunBuildShAsync("--version");
        var task = "StaleProbe" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(copy.Root, "build", "Tasks", task + ".cs");
        File.WriteAllText(file, $$"""
            using Cake.Frosting;

            namespace Build.Tasks;

            [TaskName("{{task}}")]
            [TaskDescription("Added by a test.")]
            public sealed class {{task}} : FrostingTask<BuildContext>
            {
            }
            """);

        var afterAdding = await copy.RunBuildShAsync("--description");
        File.Delete(file);
        var afterDeleting = await copy.RunBuildShAsync("--description");

        Assert.True(afterAdding.ExitCode == 0, afterAdding.ToString());
        Assert.True(BootstrapScripts.CompileCount(afterAdding) == 1, $"adding {task}.cs did not compile once:\n{afterAdding}");
        Assert.Contains(task, afterAdding.StandardOutput);
        Assert.True(afterDeleting.ExitCode == 0, afterDeleting.ToString());
        Assert.True(BootstrapScripts.CompileCount(afterDeleting) == 1, $"deleting {task}.cs did not compile once:\n{afterDeleting}");
        Assert.DoesNotContain(task, afterDeleting.StandardOutput);
    }

    [SkippableFact]
    public async Task Build_ps1_compiles_only_when_an_input_changed()
    {
        BootstrapScripts.RequirePwsh();
        var first = await copy.RunBuildPs1Async("--version");
        var unchanged = await copy.RunBuildPs1Async("--version");
        var text = copy.EditDefaultTaskDescription();
        var edited = await copy.RunBuildPs1Async("--description");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.True(unchanged.ExitCode == 0, unchanged.ToString());
        Assert.True(BootstrapScripts.CompileCount(unchanged) == 0, $"build.ps1 compiled although nothing changed:\n{unchanged}");
        Assert.True(edited.ExitCode == 0, edited.ToString());
        Assert.True(BootstrapScripts.CompileCount(edited) == 1, $"build.ps1 did not compile once after the edit:\n{edited}");
        Assert.Contains("build.ps1: compiling the build", edited.StandardError);
        Assert.Contains(text, edited.StandardOutput);
    }

    /// <summary>
    /// A temporary copy of what goes into the build: build/ without bin/ and obj/, global.json, Directory.Build.props,
    /// build.sh and build.ps1. The fixture runs <c>./build.sh --version</c> once, which compiles it.
    /// </summary>
    public sealed class BuildInputsCopy : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new("stale-build");

        public string Root => _directory.Path;

        public ProcessResult FirstRun { get; private set; } = null!;

        /// <summary>The run right after the first: the one a fresh clone's first compile must not invalidate.</summary>
        public ProcessResult SecondRun { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            var source = BootstrapScripts.RepositoryRoot;
            CopyDirectory(Path.Combine(source, "build"), Path.Combine(Root, "build"));
            foreach (var file in new[] { "global.json", "Directory.Build.props", "build.sh", "build.ps1" })
            {
                File.Copy(Path.Combine(source, file), Path.Combine(Root, file));
            }

            TempDirectory.MakeExecutable(Path.Combine(Root, "build.sh"));
            FirstRun = await RunBuildShAsync("--version");
            SecondRun = await RunBuildShAsync("--version");
        }

        public Task<ProcessResult> RunBuildShAsync(params string[] arguments) => BootstrapScripts.RunBuildShAsync(Root, arguments);

        public Task<ProcessResult> RunBuildPs1Async(params string[] arguments) => BootstrapScripts.RunBuildPs1Async(Root, arguments);

        /// <summary>Gives the Default task a new, unique description and returns it.</summary>
        public string EditDefaultTaskDescription()
        {
            var file = Path.Combine(Root, "build", "Tasks", "Default.cs");
            var text = "Edited " + Guid.NewGuid().ToString("N")[..10];
            var source = File.ReadAllText(file);
            var edited = Regex.Replace(source, """\[TaskDescription\("(?:[^"\\]|\\.)*"\)\]""", $"[TaskDescription(\"{text}\")]");
            Assert.True(edited != source, $"no [TaskDescription(\"...\")] in {file}");
            File.WriteAllText(file, edited);
            return text;
        }

        public Task DisposeAsync()
        {
            _directory.Dispose();
            return Task.CompletedTask;
        }

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var directory in Directory.GetDirectories(from))
            {
                var name = Path.GetFileName(directory);
                if (name is not ("bin" or "obj"))
                {
                    CopyDirectory(directory, Path.Combine(to, name));
                }
            }
        }
    }
}
