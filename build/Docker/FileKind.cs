using System.Runtime.InteropServices;

namespace Build.Docker;

public enum FileKind
{
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    Socket,
    CharacterDevice,
    BlockDevice,
}

/// <summary>
/// The type of a directory entry, found without opening it: opening a named pipe blocks until a writer
/// comes, and .NET has no API for the file type. On Linux it asks <c>statx</c> (whose struct layout is the
/// same on every architecture); elsewhere it assumes that a non-directory, non-link entry is a regular file.
/// </summary>
public static class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize (u32), stx_attributes (u64), stx_nlink, stx_uid, stx_gid (u32), stx_mode (u16)

    private static bool _statxMissing = !OperatingSystem.IsLinux();

    public static FileKind Of(FileSystemInfo entry)
    {
        if (entry.LinkTarget is not null)
        {
            return FileKind.SymbolicLink;
        }

        if (entry is DirectoryInfo)
        {
            return FileKind.Directory;
        }

        return _statxMissing ? FileKind.Regular : Statx(entry.FullName);
    }

    private static FileKind Statx(string path)
    {
        var buffer = new byte[256];
        try
        {
            if (NativeMethods.statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
            {
                return FileKind.Regular; // vanished or unreadable: reading it will say so
            }
        }
        catch (EntryPointNotFoundException)
        {
            _statxMissing = true;
            return FileKind.Regular;
        }

        return (BitConverter.ToUInt16(buffer, ModeOffset) & 0xF000) switch
        {
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x4000 => FileKind.Directory,
            0x6000 => FileKind.BlockDevice,
            0xA000 => FileKind.SymbolicLink,
            0xC000 => FileKind.Socket,
            _ => FileKind.Regular,
        };
    }

    private static class NativeMethods
    {
#pragma warning disable SYSLIB1054 // a plain P/Invoke without custom marshalling; LibraryImport would need unsafe code enabled
        [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int statx(int dirfd, string pathname, int flags, uint mask, byte[] statxbuf);
#pragma warning restore SYSLIB1054
    }
}
