using Microsoft.Extensions.DependencyInjection;

namespace Triton.Core.Lists;

public static class ListsServiceCollectionExtensions
{
    /// <summary>The recipient writer and CSV importer (stateless, over the shared store executor) and the import progress registry.</summary>
    public static IServiceCollection AddTritonLists(this IServiceCollection services)
    {
        services.AddSingleton<RecipientBatchWriter>();
        services.AddSingleton<CsvRecipientImporter>();
        services.AddSingleton<ImportProgressRegistry>();
        return services;
    }
}
