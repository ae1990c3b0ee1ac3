"""What other sites reuse of our pages: the embeds (`embed`), the SVG badges (`badge`), the JSON/CSV exports
(`export`) and the addresses a page offers for them (`links`). Shared by the page areas like `figures`."""
