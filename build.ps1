#!/usr/bin/env pwsh
# Runs the Cake Frosting build in build/ with every argument unchanged: ./build.ps1 --target=Redeploy
#
# As build.sh: the build is compiled only when something that goes into it changed (its sources and project
# files, Directory.Build.props, global.json, or the installed .NET SDKs); otherwise the compiled build runs
# directly, which saves the ~2 s of MSBuild that `dotnet run` costs on every start. It is published
# precompiled (ReadyToRun), which nearly halves its own start-up.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$output = Join-Path $root 'build/bin/publish'
$stamp = Join-Path $output '.inputs.stamp'
$dll = Join-Path $output 'Build.dll'

$dotnet = Get-Command dotnet -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
if (-not $dotnet) {
    [Console]::Error.WriteLine('build.ps1: dotnet is not on PATH; install the .NET SDK named in global.json')
    exit 1
}

function Get-InputFiles {
    $build = Get-ChildItem -LiteralPath (Join-Path $root 'build') -Recurse -Force -File |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' }
    @($build) + @(Get-Item -Force -LiteralPath (Join-Path $root 'global.json'), (Join-Path $root 'Directory.Build.props'))
}

function Get-Key {
    # What the compiled build depends on besides file contents: the SDKs installed (installing or removing one
    # may change what global.json selects) and the list of input files (so adding, removing or renaming one is seen).
    $path = $dotnet.Source
    $target = (Get-Item -LiteralPath $path).LinkTarget
    if ($target) { $path = [IO.Path]::GetFullPath($target, (Split-Path -Parent $path)) }
    $sdkDir = Join-Path (Split-Path -Parent $path) 'sdk'
    $sdks = if (Test-Path -LiteralPath $sdkDir) { (Get-ChildItem -LiteralPath $sdkDir -Name | Sort-Object) -join "`n" } else { '' }
    $files = (Get-InputFiles | ForEach-Object FullName | Sort-Object -CaseSensitive) -join "`n"
    "$path`n$sdks`n$files"
}

function Test-UpToDate {
    if (-not (Test-Path -LiteralPath $stamp) -or -not (Test-Path -LiteralPath $dll)) { return $false }
    if ((Get-Content -LiteralPath $stamp -Raw).TrimEnd() -ne (Get-Key).TrimEnd()) { return $false }
    $since = (Get-Item -LiteralPath $stamp -Force).LastWriteTimeUtc
    # Any input file changed after the stamp was written?
    return -not (Get-InputFiles | Where-Object { $_.LastWriteTimeUtc -gt $since } | Select-Object -First 1)
}

if (-not (Test-UpToDate)) {
    New-Item -ItemType Directory -Force -Path $output | Out-Null
    # Written before compiling: an edit made while the compiler runs is newer than the stamp, so it is seen.
    $next = "$stamp.next"
    Set-Content -LiteralPath $next -Value (Get-Key) -NoNewline
    [Console]::Error.WriteLine('build.ps1: compiling the build (its inputs changed)...')
    $publish = @('publish', (Join-Path $root 'build/Build.csproj'), '--nologo', '-v', 'quiet', '-c', 'Release',
        '--use-current-runtime', '--self-contained', 'false', '-o', $output)
    $log = & $dotnet.Source @publish 2>&1
    if ($LASTEXITCODE -ne 0) {
        # Without the ReadyToRun compiler package (an offline machine), a plain build still works, only slower to start.
        $log = & $dotnet.Source @publish '-p:PublishReadyToRun=false' 2>&1
    }
    if ($LASTEXITCODE -ne 0) {
        Remove-Item -LiteralPath $next -Force
        $log | ForEach-Object { [Console]::Error.WriteLine($_) }
        [Console]::Error.WriteLine('build.ps1: compiling the build failed (see above)')
        exit 1
    }
    Move-Item -LiteralPath $next -Destination $stamp -Force
}

& $dotnet.Source $dll @args
exit $LASTEXITCODE
