//! PDF report parser: characters with positions from PDFium, layout analysis into a structured yanbao Report.
