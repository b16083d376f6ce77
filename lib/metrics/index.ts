/** Scores (accuracy, confusion matrix, precision/recall/F1, MSE, MAE, R²) and linear baselines. */
export * from "./scores";
export * from "./baselines";
