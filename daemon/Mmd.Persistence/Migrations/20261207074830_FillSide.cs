using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Mmd.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class FillSide : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_fills_Venue_Symbol_TradeId",
                table: "fills");

            migrationBuilder.CreateIndex(
                name: "IX_fills_Venue_Symbol_TradeId_Side",
                table: "fills",
                columns: new[] { "Venue", "Symbol", "TradeId", "Side" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_fills_Venue_Symbol_TradeId_Side",
                table: "fills");

            migrationBuilder.CreateIndex(
                name: "IX_fills_Venue_Symbol_TradeId",
                table: "fills",
                columns: new[] { "Venue", "Symbol", "TradeId" },
                unique: true);
        }
    }
}
