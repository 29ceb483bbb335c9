"""Model plumbing shared by the stance model and the attribution tagger: the base model, model folders and
configs, the training loop."""
