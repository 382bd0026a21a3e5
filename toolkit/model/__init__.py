"""The model layer: what the paragraphs mean and which of them are the coverage under study.

``encoder`` (the offline USE-multilingual encoder) and ``embed`` (batch-independent vectors,
cached) -> ``topics`` (BERTopic on those vectors) -> ``coverage`` (what the run takes as the
coverage when no focus is given) -> ``separate`` (core or insert, with ``lexical``'s TF-IDF
view and ``splice``'s detector of glued-in runs learnt from the corpus).
"""
