using Build.Configuration;
using Build.Docker;
using TestSupport;
using Xunit;

namespace Build.Tests.Docker;

/// <summary>The build-input digest: equal only when docker's cache would give the same image.</summary>
public sealed class BuildInputsTests : IDisposable
{
    private readonly TempDirectory _dir = new("inputs");
    private readonly Dictionary<string, ImageId> _localImages = new() { ["busybox:1.35"] = ImageId.Parse(new string('b', 64)) };

    public BuildInputsTests()
    {
        _dir.WriteFile("app/Dockerfile", "FROM busybox:1.35\nCOPY . /app\n");
        _dir.WriteFile("app/main.sh", "echo hi\n");
        _dir.WriteFile("app/lib/util.sh", "echo util\n");
    }

    public void Dispose() => _dir.Dispose();

    private ServiceConfig Service => new("app", "app", _dir.Combine("app", "Dockerfile"), _dir.Combine("app"), "app", "app");

    private string? Digest() => BuildInputs.Digest(Service, File.ReadAllText(Service.Dockerfile), _localImages);

    [Fact]
    public void Is_stable_for_unchanged_inputs()
    {
        Assert.StartsWith("sha256:", Digest());
        Assert.Equal(Digest(), Digest());
    }

    [Theory]
    [InlineData("content")]
    [InlineData("new file")]
    [InlineData("renamed file")]
    [InlineData("empty directory")]
    [InlineData("mode")]
    [InlineData("dockerfile")]
    [InlineData("base image")]
    public void Changes_when_anything_the_build_reads_changes(string change)
    {
        var before = Digest();
        switch (change)
        {
            case "content": File.WriteAllText(_dir.Combine("app", "lib", "util.sh"), "echo changed\n"); break;
            case "new file": _dir.WriteFile("app/extra.txt", ""); break;
            case "renamed file": File.Move(_dir.Combine("app", "main.sh"), _dir.Combine("app", "start.sh")); break;
            case "empty directory": Directory.CreateDirectory(_dir.Combine("app", "data")); break;
            case "mode": TempDirectory.MakeExecutable(_dir.Combine("app", "main.sh")); break;
            case "dockerfile": File.AppendAllText(_dir.Combine("app", "Dockerfile"), "ENV X=1\n"); break;
            case "base image": _localImages["busybox:1.35"] = ImageId.Parse(new string('c', 64)); break;
        }

        Assert.NotEqual(before, Digest());
    }

    [Theory]
    [InlineData("FROM busybox:1.35\n", "missing base")]
    [InlineData("ARG BASE=busybox:1.35\nFROM ${BASE}\n", "variable")]
    [InlineData("FROM scratch\nADD https://example.com/app.tar.gz /\n", "remote add")]
    [InlineData("FROM scratch\nCOPY --from=$BUILDER /x /x\n", "variable in --from")]
    public void Is_unknown_when_only_a_build_can_tell(string dockerfile, string why)
    {
        _dir.WriteFile("app/Dockerfile", dockerfile);
        if (why == "missing base")
        {
            _localImages.Clear();
        }

        Assert.Null(Digest());
    }

    [Fact]
    public void Base_images_are_FROM_and_COPY_from_images_but_not_stages_or_scratch()
    {
        var images = BuildInputs.BaseImages("""
            FROM --platform=linux/amd64 golang:1.23 AS build
            RUN go build -o /app
            FROM scratch
            COPY --from=build /app /app
            COPY --from=registry.local/tools:2 /bin/tool /tool
            COPY --from=0 /app /app2
            """);

        Assert.Equal(["golang:1.23", "registry.local/tools:2"], images);
    }

    [Fact]
    public void The_cache_remembers_images_across_instances_and_survives_a_broken_file()
    {
        var path = _dir.Combine("cache", "build-inputs.json");
        var cache = new BuildInputCache(path, "default");
        var image = ImageId.Parse(new string('1', 64));
        cache.Remember("app", "sha256:d1", image);
        Assert.Null(cache.Save());

        Assert.Equal(image, new BuildInputCache(path, "default").ImageFor("app", "sha256:d1"));
        Assert.Null(new BuildInputCache(path, "default").ImageFor("app", "sha256:other"));

        File.WriteAllText(path, "{ broken");
        Assert.Null(new BuildInputCache(path, "default").ImageFor("app", "sha256:d1"));
    }

    [Fact]
    public void A_cache_path_that_is_a_directory_is_a_problem_and_leaves_no_temporary_file_behind()
    {
        var path = Directory.CreateDirectory(_dir.Combine("cache", "build-inputs.json")).FullName;
        var cache = new BuildInputCache(path, "default");
        cache.Remember("app", "sha256:d1", ImageId.Parse(new string('1', 64)));

        Assert.NotNull(cache.Save());
        Assert.NotNull(cache.Save());

        Assert.Equal([path], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!));
    }

    [Fact]
    public void The_cache_keeps_each_daemons_images_apart()
    {
        var path = _dir.Combine("cache", "daemons.json");
        var image = ImageId.Parse(new string('1', 64));
        var local = new BuildInputCache(path, "default");
        local.Remember("app", "sha256:d1", image);
        Assert.Null(local.Save());

        Assert.Null(new BuildInputCache(path, "tcp://127.0.0.1:32771").ImageFor("app", "sha256:d1"));
        Assert.Equal(image, new BuildInputCache(path, "default").ImageFor("app", "sha256:d1"));
    }

    [Fact]
    public void A_dockerignored_file_does_not_change_the_digest_and_dockerignore_itself_does()
    {
        _dir.WriteFile("app/.dockerignore", "*.log\n");
        var before = Digest();

        _dir.WriteFile("app/debug.log", "noise");
        Assert.Equal(before, Digest());

        _dir.WriteFile("app/.dockerignore", "*.log\n*.tmp\n");
        Assert.NotEqual(before, Digest());
    }

    [Fact]
    public void Build_options_are_part_of_the_digest()
    {
        var plain = Digest();

        Assert.NotEqual(plain, BuildInputs.Digest(Service with { Target = "runtime" }, File.ReadAllText(Service.Dockerfile), _localImages));
        Assert.NotEqual(plain, BuildInputs.Digest(Service with { BuildArgs = new Dictionary<string, string> { ["V"] = "1" } }, File.ReadAllText(Service.Dockerfile), _localImages));
    }
}
