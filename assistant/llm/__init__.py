"""The optional language model: LangChain chat models and the prompts they get."""
