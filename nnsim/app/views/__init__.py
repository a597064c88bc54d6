"""Live training views: the output map, neuron maps, activation histograms,
the confusion matrix and one sample's numbers. Each draws from the training
controller's latest snapshot when it says ``updated``."""
