echo "migrating $CAIRN_COMMIT"
