//! Text, Markdown and HTML report parser: messy converted report text into a structured yanbao Report.
