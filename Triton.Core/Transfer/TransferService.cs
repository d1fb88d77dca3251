using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Triton.Core.Transfer;

/// <summary>
/// .triton export and import, for the API and the admin pages alike. Both need Triton:TransferKey; an
/// import is read (and so authenticated) whole before anything is planned or changed, and applied whole
/// or not at all.
/// </summary>
public sealed class TransferService(TransferExporter exporter, TransferImporter importer, IOptions<TritonOptions> options, ILogger<TransferService> logger)
{
    public const string KeyMissing = "Export and import are off: Triton:TransferKey is not configured on this instance.";

    public bool IsConfigured => !string.IsNullOrEmpty(options.Value.TransferKey);

    public Task<ServiceResult<ExportSet>> PrepareExportAsync(TransferKind kind, int? id, bool recipients, CancellationToken cancellationToken) =>
        exporter.PrepareAsync(kind, id, recipients, cancellationToken);

    public Task WriteExportAsync(ExportSet set, Stream output, CancellationToken cancellationToken) =>
        exporter.WriteAsync(set, output, cancellationToken);

    /// <summary>
    /// The plan of importing <paramref name="file"/>, carried out unless <paramref name="dryRun"/>. Invalid (field "file")
    /// when the file cannot be opened; Conflict when no key is configured or the plan has conflicts or missing references.
    /// </summary>
    public async Task<ServiceResult<ImportPlan>> ImportAsync(Stream file, bool dryRun, ImportStrategy strategy, CancellationToken cancellationToken)
    {
        if (!IsConfigured) return ServiceResult<ImportPlan>.Conflict(KeyMissing);
        var key = options.Value.TransferKey!;
        // The file is read twice (the plan, then the recipients while applying): it waits in a temp file, still sealed.
        var temp = Path.Combine(Path.GetTempPath(), "triton-import-" + Guid.NewGuid().ToString("N") + ".triton");
        try
        {
            await using (var copy = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
                await file.CopyToAsync(copy, cancellationToken);

            TransferContents contents;
            try
            {
                await using var read = File.OpenRead(temp);
                contents = await TransferReader.ReadAsync(read, key, cancellationToken);
            }
            catch (TransferFileException exception)
            {
                return ServiceResult<ImportPlan>.Invalid("file", exception.Message);
            }

            var plan = await importer.PlanAsync(contents, strategy, cancellationToken);
            if (dryRun) return ServiceResult<ImportPlan>.Saved(plan);
            if (!plan.CanApply) return ServiceResult<ImportPlan>.Conflict("The import was refused. " + plan.Refusal);
            await importer.ApplyAsync(contents, plan, async each =>
            {
                await using var again = File.OpenRead(temp);
                await TransferReader.StreamRecipientsAsync(again, key, each, cancellationToken);
            }, cancellationToken);
            logger.LogInformation("Imported {Kind} '{Name}': {Count} entities", plan.Kind, plan.Name, plan.Items.Count(i => i.Action == ImportAction.Create));
            return ServiceResult<ImportPlan>.Saved(plan with { Applied = true });
        }
        finally
        {
            try { File.Delete(temp); }
            catch (IOException) { } // a temp file left behind holds only sealed bytes
        }
    }
}

public static class TransferServiceCollectionExtensions
{
    public static IServiceCollection AddTritonTransfer(this IServiceCollection services)
    {
        services.AddSingleton<TransferExporter>();
        services.AddSingleton<TransferImporter>();
        services.AddSingleton<TransferService>();
        return services;
    }
}
